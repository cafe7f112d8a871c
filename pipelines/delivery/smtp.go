package delivery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/arml-na/vigie/pipelines/warehouse"
)

// TLS modes of SMTPConfig.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no TLS: a relay on the same host only
)

// SMTPConfig is the mail server files are sent through.
type SMTPConfig struct {
	Host     string
	Port     int
	TLS      string
	Username string // "" for no authentication
	Password string
	From     string
	// TLSConfig overrides the TLS settings (e.g. private CAs); nil uses the
	// system roots and verifies Host.
	TLSConfig *tls.Config
	// Timeout bounds one message's whole exchange (default 2 minutes).
	Timeout time.Duration
}

func (c *SMTPConfig) tlsConfig() *tls.Config {
	if c.TLSConfig != nil {
		t := c.TLSConfig.Clone()
		if t.ServerName == "" {
			t.ServerName = c.Host
		}
		return t
	}
	return &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
}

// Send emails files to r, in one message.
func (c *SMTPConfig) Send(ctx context.Context, r Recipient, b Batch, files []File, now time.Time) error {
	msg, err := BuildMessage(c.From, r, b, files, now)
	if err != nil {
		return err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connexion au serveur de messagerie %s : %w", addr, err)
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	// Abort the exchange when the context ends.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	var client *smtp.Client
	switch c.TLS {
	case TLSImplicit:
		client = smtp.NewClient(tls.Client(conn, c.tlsConfig()))
	case TLSNone:
		client = smtp.NewClient(conn)
	default:
		client, err = smtp.NewClientStartTLS(conn, c.tlsConfig())
		if err != nil {
			_ = conn.Close()
			return fmt.Errorf("STARTTLS avec %s (certificat du serveur ?) : %w", addr, err)
		}
	}
	defer client.Close()
	if c.Username != "" {
		if err := client.Auth(sasl.NewPlainClient("", c.Username, c.Password)); err != nil {
			return fmt.Errorf("authentification refusée par %s (smtp.username, mot de passe) : %w", addr, err)
		}
	}
	if err := client.SendMail(c.From, []string{r.Email}, bytes.NewReader(msg)); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("envoi à %s : %w", r.ID, ctx.Err())
		}
		return fmt.Errorf("envoi à %s : %w", r.ID, err)
	}
	if err := client.Quit(); err != nil {
		// The message was accepted; a failed QUIT does not undo it.
		return nil
	}
	return nil
}

// BuildMessage returns the MIME message (French subject and body, files
// attached in base64) sent to r.
func BuildMessage(from string, r Recipient, b Batch, files []File, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	to := r.Email
	if r.Name != "" {
		to = mime.QEncoding.Encode("utf-8", r.Name) + " <" + r.Email + ">"
	}
	h("From", "vigie <"+from+">")
	h("To", to)
	h("Subject", mime.QEncoding.Encode("utf-8", b.Subject))
	h("Date", now.In(warehouse.Paris).Format(time.RFC1123Z))
	h("Message-ID", "<"+messageID(r, b, files)+"@vigie>")
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/mixed; boundary="+strconv.Quote(mw.Boundary()))
	buf.WriteString("\r\n")

	var body strings.Builder
	body.WriteString(b.Body)
	body.WriteString("\n\nFichiers joints :\n")
	for _, f := range files {
		body.WriteString(" - " + filepath.Base(f.Path) + "\n")
	}
	body.WriteString("\n-- \nvigie, ARML Nouvelle-Aquitaine. Ce message est envoyé automatiquement ; ses pièces jointes sont confidentielles.\n")
	tp, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	qp := quotedprintable.NewWriter(tp)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return nil, fmt.Errorf("pièce jointe %s : %w", filepath.Base(f.Path), err)
		}
		name := filepath.Base(f.Path)
		ap, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(contentType(name), map[string]string{"name": name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			if _, err := ap.Write([]byte(enc[:76] + "\r\n")); err != nil {
				return nil, err
			}
			enc = enc[76:]
		}
		if _, err := ap.Write([]byte(enc + "\r\n")); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func contentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".csv":
		return "text/csv"
	case ".txt":
		return "text/plain"
	default:
		return "application/octet-stream"
	}
}

// messageID is the same for the same files of the same run to the same
// recipient: should a message be sent twice (accepted by the server, then a
// crash before the ledger recorded it), mail software sees one message.
func messageID(r Recipient, b Batch, files []File) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", r.ID, b.Job, b.ScheduledFor.UTC().Format(time.RFC3339))
	for _, f := range files {
		fmt.Fprintf(h, "\x00%s", filepath.Base(f.Path))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
