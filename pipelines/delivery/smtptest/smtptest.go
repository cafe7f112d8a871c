// Package smtptest is a real SMTP server on loopback for tests (go-smtp,
// speaking the protocol over TCP): STARTTLS or implicit TLS on a
// self-signed certificate, AUTH PLAIN, messages kept in memory, and a
// recipient that can be made to fail once.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a real SMTP server on loopback (go-smtp), with STARTTLS on a
// self-signed certificate and AUTH PLAIN, that keeps what it receives in
// memory.
type Server struct {
	Addr string
	Port int
	CA   *x509.CertPool
	// CAPEM is the server's self-signed certificate in PEM, for a
	// configuration's ca_file.
	CAPEM []byte

	mu       sync.Mutex
	messages []Message
	failOnce map[string]bool // recipients refused (451) the first time
}

// Message is what the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
}

// User and Password are the only credentials the server accepts.
const User, Password = "vigie", "s3cret"

// Start starts a server on 127.0.0.1, stopped at the end of the test;
// implicit speaks TLS from the first byte (port 465 style) instead of
// offering STARTTLS.
func Start(t testing.TB, implicit bool) *Server {
	t.Helper()
	cert, pool := selfSigned(t)
	ts := &Server{CA: pool, CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), failOnce: map[string]bool{}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{ts: ts}, nil }))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Addr = l.Addr().String()
	if implicit {
		l = tls.NewListener(l, s.TLSConfig)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	_, port, _ := net.SplitHostPort(ts.Addr)
	ts.Port, _ = strconv.Atoi(port)
	return ts
}

// TLSConfig is a client configuration that trusts the server's certificate.
func (ts *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: ts.CA, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far.
func (ts *Server) Messages() []Message {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]Message(nil), ts.messages...)
}

// FailOnce makes the server refuse addr (451, try later) the next time.
func (ts *Server) FailOnce(addr string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.failOnce[addr] = true
}

type session struct {
	ts     *Server
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != User || password != Password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	if s.ts.failOnce[to] {
		delete(s.ts.failOnce, to)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailbox busy, try later"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	s.ts.messages = append(s.ts.messages, Message{From: s.from, To: s.to, Data: b})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// Received returns, per recipient address, the names of the files attached
// to the messages it received, sorted (a name twice: sent twice), and every
// subject. It fails the test when a message has several recipients (each
// must get only their own files) or when an attachment's SHA-256 differs
// from sums[name] (the file as written).
func (ts *Server) Received(t testing.TB, sums map[string]string) (files map[string][]string, subjects []string) {
	t.Helper()
	files = map[string][]string{}
	for _, m := range ts.Messages() {
		if len(m.To) != 1 {
			t.Fatalf("message to %v: one recipient per message expected", m.To)
		}
		subject, att := Attachments(t, m.Data)
		subjects = append(subjects, subject)
		for name, sum := range att {
			if sums[name] != sum {
				t.Errorf("%s: attachment %s corrupted", m.To[0], name)
			}
			files[m.To[0]] = append(files[m.To[0]], name)
		}
	}
	for _, names := range files {
		sort.Strings(names)
	}
	return files, subjects
}

// Attachments parses a received message: its subject, and each attachment
// name with the SHA-256 of its decoded bytes.
func Attachments(t testing.TB, data []byte) (string, map[string]string) {
	t.Helper()
	m, mr := readMultipart(t, data)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "" {
			continue
		}
		// multipart.Reader decodes quoted-printable only; attachments are base64.
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := decodeBase64Lines(string(b))
		if err != nil {
			t.Fatalf("attachment %s: %v", p.FileName(), err)
		}
		s := sha256.Sum256(raw)
		out[p.FileName()] = hex.EncodeToString(s[:])
	}
	return subject, out
}

// Body returns the text part of a received message, decoded.
func Body(t testing.TB, data []byte) string {
	t.Helper()
	_, mr := readMultipart(t, data)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "" && strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			return strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
}

// readMultipart parses a received message and opens its parts.
func readMultipart(t testing.TB, data []byte) (*mail.Message, *multipart.Reader) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	return m, multipart.NewReader(m.Body, params["boundary"])
}

func decodeBase64Lines(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
}
