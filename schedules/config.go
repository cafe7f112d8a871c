package schedules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/arml-na/vigie/pipelines/email"
	"github.com/arml-na/vigie/pipelines/reporting"
	"github.com/arml-na/vigie/pipelines/steps"
	"github.com/arml-na/vigie/pipelines/structure"
)

// Catch-up policies: what the daemon does, on restart, with the runs it
// missed while it was down.
const (
	CatchUpOnce = "once" // run the latest missed instant of each job once
	CatchUpSkip = "skip" // run none; record them as missed
)

// TLS modes of the SMTP connection.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// Config is vigie's daemon configuration file (YAML).
type Config struct {
	Recipients Recipients `yaml:"recipients"`
	SMTP       *SMTP      `yaml:"smtp"`
	// Outbox is the folder where every delivered file is copied, one
	// sub-folder per recipient.
	Outbox string `yaml:"outbox"`
	// Inbox is where extraction folders are dropped; one is ingested once its
	// _READY marker appears, then moved to processed/ or rejected/.
	Inbox string `yaml:"inbox"`
	// WorkDir holds the files a run produces, one folder per run.
	WorkDir string `yaml:"work_dir"`
	// FreshnessMaxAge is how old the latest extraction may be when a report
	// is sent (e.g. 8d, 36h).
	FreshnessMaxAge Duration `yaml:"freshness_max_age"`
	CatchUp         string   `yaml:"catch_up"`
	// Deadline is the default time limit of a run; Deadlines overrides it per job.
	Deadline  Duration            `yaml:"deadline"`
	Deadlines map[string]Duration `yaml:"deadlines"`
	Retries   Retries             `yaml:"retries"`
	Archive   Archive             `yaml:"archive"`
	// Counsellors opts structures in to the counsellors' Monday lists.
	Counsellors Counsellors `yaml:"counsellors"`
	Backup      Backup      `yaml:"backup"`
	Export      Export      `yaml:"export"`
	// PollInterval is how often the daemon looks at the inbox.
	PollInterval Duration `yaml:"poll_interval"`
	// LockWait is how long a job waits for another process (an analyst's
	// long query) to release the warehouse; 0 keeps the command line's
	// --lock-wait.
	LockWait Duration `yaml:"lock_wait"`
	// StopGrace is how long, on SIGTERM, the current step may run on
	// before it is cancelled.
	StopGrace Duration `yaml:"stop_grace"`
}

// Recipients are the people files are delivered to.
type Recipients struct {
	Directors []Director `yaml:"directors"`
	Analysts  []Analyst  `yaml:"analysts"`
}

// Director receives the files of one structure.
type Director struct {
	Structure string  `yaml:"structure"`
	Name      string  `yaml:"name"`
	Email     Address `yaml:"email"`
}

// Analyst is one of the regional analysts.
type Analyst struct {
	ID    string  `yaml:"id"`
	Name  string  `yaml:"name"`
	Email Address `yaml:"email"`
}

// SMTP is the mail server files are sent through.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	// PasswordEnv names the environment variable holding the password; the
	// cmd layer reads it into Password.
	PasswordEnv string  `yaml:"password_env"`
	Password    string  `yaml:"-"`
	From        Address `yaml:"from"`
	// CAFile is an optional PEM file of CAs to trust (a private relay).
	CAFile string `yaml:"ca_file"`
}

// Counsellors configures the counsellors' Monday lists: each actif account
// holding conseiller_referent of an opted-in structure receives the open
// findings on the dossiers they are referent of.
type Counsellors struct {
	// Structures are the opted-in structure codes; "*" opts every one in.
	Structures []string `yaml:"structures"`
	// NothingToReport sends a « rien à signaler » message to a counsellor
	// with no open finding; otherwise they receive nothing that week.
	NothingToReport bool `yaml:"nothing_to_report"`
}

// Options are the report run's counsellors' options; nil when no structure
// is opted in.
func (c Counsellors) Options() *reporting.CounsellorOptions {
	if len(c.Structures) == 0 {
		return nil
	}
	return &reporting.CounsellorOptions{Structures: c.Structures, NothingToReport: c.NothingToReport}
}

// Retries is the retry policy for transient failures.
type Retries struct {
	Attempts int      `yaml:"attempts"` // total attempts, 1 = no retry
	Backoff  Duration `yaml:"backoff"`  // first wait, doubled each time
}

// Archive configures the archiving job.
type Archive struct {
	// Apply enables archive apply (for every structure: the archiving rules
	// are the region's); when false the job only plans.
	Apply bool `yaml:"apply"`
	// BackupDir is where apply writes its backup.
	BackupDir string `yaml:"backup_dir"`
}

// Address is an email address written bare (jeanne.dupont@example.org). A
// display name (« Jeanne Dupont <jeanne.dupont@example.org> ») passes Go's
// mail.ParseAddress but not an SMTP envelope: it is refused when the file is
// read, with its line, instead of failing at the first delivery.
type Address string

// UnmarshalYAML reads an address, naming the line and the value when it is
// not a bare address.
func (a *Address) UnmarshalYAML(n *yaml.Node) error {
	if n.Value != "" {
		if err := checkAddress(n.Value); err != nil {
			return &valueError{line: n.Line, value: n.Value, err: err}
		}
	}
	*a = Address(n.Value)
	return nil
}

// errNotBareAddress is wrapped by the refusal of an address that is not a
// bare one.
var errNotBareAddress = errors.New("ce n'est pas une adresse électronique seule : écrivez nom@domaine, sans nom affiché ni chevrons")

func checkAddress(s string) error {
	if !email.Bare(s) {
		return errNotBareAddress
	}
	return nil
}

// Backup configures the daily backup job (`vigie backup`).
type Backup struct {
	// Dir is the backup folder; empty means sauvegardes/ beside the warehouse.
	Dir string `yaml:"dir"`
	// Keep is how many copies the folder keeps; 0 means the default (14).
	Keep int `yaml:"keep"`
}

// Export configures `vigie export`.
type Export struct {
	// KeyFile holds the key of the lake's keyed hash (VIGIE_EXPORT_KEY, when
	// set, takes precedence); keep it readable by vigie only.
	KeyFile string `yaml:"key_file"`
}

// Duration is a time.Duration written as Go does (90m, 36h) or in days (8d).
type Duration time.Duration

// UnmarshalYAML reads a duration, naming the value when it is wrong.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &valueError{line: n.Line, value: n.Value, err: err}
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads 8d, 36h, 90m, 1h30m.
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("ce n'est pas une durée : écrivez par exemple 8d (jours), 36h, 90m")
	}
	return v, nil
}

// AnalystsAudience is the audience of a file meant for the regional analysts.
const AnalystsAudience = steps.AnalystsAudience

// ValidStructureCode tells whether code may name a structure (and a folder).
func ValidStructureCode(code string) bool { return structure.Valid(code) }

// ParseConfig reads a configuration file, fills the defaults and validates
// it; name is used in error messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, "testdata/schedules/vigie.yaml", err)
	}
	c.defaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s : configuration refusée :\n%w", name, err)
	}
	return &c, nil
}

// LoadConfig reads and validates the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &explained{fmt.Sprintf("fichier de configuration %s introuvable : donnez son chemin avec --config FICHIER (ou la variable VIGIE_CONFIG)", path), err}
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la configuration : %w", err)
	}
	return ParseConfig(path, data)
}

func (c *Config) defaults() {
	if c.CatchUp == "" {
		c.CatchUp = CatchUpOnce
	}
	if c.FreshnessMaxAge == 0 {
		c.FreshnessMaxAge = Duration(8 * 24 * time.Hour)
	}
	if c.Deadline == 0 {
		c.Deadline = Duration(2 * time.Hour)
	}
	if c.Retries.Attempts == 0 {
		c.Retries.Attempts = 3
	}
	if c.Retries.Backoff == 0 {
		c.Retries.Backoff = Duration(time.Minute)
	}
	if c.PollInterval == 0 {
		c.PollInterval = Duration(time.Minute)
	}
	if c.StopGrace == 0 {
		c.StopGrace = Duration(30 * time.Second)
	}
	if c.SMTP != nil {
		if c.SMTP.TLS == "" {
			c.SMTP.TLS = TLSStartTLS
		}
		if c.SMTP.Port == 0 {
			switch c.SMTP.TLS {
			case TLSImplicit:
				c.SMTP.Port = 465
			case TLSStartTLS:
				c.SMTP.Port = 587
			default:
				c.SMTP.Port = 25
			}
		}
	}
}

// Validate checks the configuration; each error names the key and the value.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Outbox == "" {
		bad("outbox : absent : indiquez le dossier où les fichiers livrés sont déposés (un sous-dossier par destinataire)")
	}
	if c.WorkDir == "" {
		bad("work_dir : absent : indiquez le dossier où les exécutions écrivent leurs fichiers")
	}
	if c.CatchUp != CatchUpOnce && c.CatchUp != CatchUpSkip {
		bad("catch_up = %q : valeur inconnue, écrivez once (rattraper une fois) ou skip (ne pas rattraper)", c.CatchUp)
	}
	if c.FreshnessMaxAge < 0 {
		bad("freshness_max_age = %v : doit être positive", time.Duration(c.FreshnessMaxAge))
	}
	if c.Deadline <= 0 {
		bad("deadline = %v : doit être positive", time.Duration(c.Deadline))
	}
	for job, d := range c.Deadlines {
		if d <= 0 {
			bad("deadlines.%s = %v : doit être positive", job, time.Duration(d))
		}
	}
	if c.Retries.Attempts < 1 || c.Retries.Attempts > 20 {
		bad("retries.attempts = %d : écrivez un nombre de 1 (aucune nouvelle tentative) à 20", c.Retries.Attempts)
	}
	if c.LockWait < 0 {
		bad("lock_wait = %v : doit être positive", time.Duration(c.LockWait))
	}
	if c.Retries.Backoff < 0 {
		bad("retries.backoff = %v : doit être positive", time.Duration(c.Retries.Backoff))
	}
	seen := map[string]bool{}
	for i, d := range c.Recipients.Directors {
		key := fmt.Sprintf("recipients.directors[%d]", i)
		if !ValidStructureCode(d.Structure) {
			bad("%s.structure = %q : un code structure ne contient que des lettres, des chiffres, - et _ (par exemple ML-33002)", key, d.Structure)
		} else if seen[d.Structure] {
			bad("%s.structure = %q : cette structure a déjà une direction plus haut dans la liste", key, d.Structure)
		}
		seen[d.Structure] = true
		if d.Email != "" {
			if err := checkAddress(string(d.Email)); err != nil {
				bad("%s.email = %q : %w", key, d.Email, err)
			}
		}
	}
	ids := map[string]bool{}
	for i, a := range c.Recipients.Analysts {
		key := fmt.Sprintf("recipients.analysts[%d]", i)
		if !ValidStructureCode(a.ID) {
			bad("%s.id = %q : donnez un identifiant fait de lettres, de chiffres, - et _ (il nomme son dossier de livraison)", key, a.ID)
		} else if ids[a.ID] {
			bad("%s.id = %q : identifiant déjà utilisé par un autre analyste", key, a.ID)
		}
		ids[a.ID] = true
		if a.Email != "" {
			if err := checkAddress(string(a.Email)); err != nil {
				bad("%s.email = %q : %w", key, a.Email, err)
			}
		}
	}
	for i, code := range c.Counsellors.Structures {
		if code != "*" && !ValidStructureCode(code) {
			bad("counsellors.structures[%d] = %q : écrivez un code structure (lettres, chiffres, - et _) ou \"*\" pour toutes les structures", i, code)
		}
	}
	if len(c.Recipients.Analysts) == 0 {
		bad("recipients.analysts : vide : indiquez au moins un analyste régional (il reçoit le classeur régional et les alertes de fraîcheur)")
	}
	if c.Archive.Apply && c.Archive.BackupDir == "" {
		bad("archive.backup_dir : absent alors que archive.apply vaut true : l'archivage y écrit d'abord sa sauvegarde")
	}
	if c.Backup.Keep < 0 {
		bad("backup.keep = %d : écrivez le nombre de copies gardées (1 ou plus), ou retirez la clé pour 14", c.Backup.Keep)
	}
	if s := c.SMTP; s != nil {
		if s.Host == "" {
			bad("smtp.host : absent : indiquez le serveur de messagerie")
		}
		if s.Port <= 0 || s.Port > 65535 {
			bad("smtp.port = %d : ce n'est pas un numéro de port (1 à 65535)", s.Port)
		}
		if s.TLS != TLSStartTLS && s.TLS != TLSImplicit && s.TLS != TLSNone {
			bad("smtp.tls = %q : écrivez starttls, tls ou none", s.TLS)
		}
		if err := checkAddress(string(s.From)); err != nil {
			bad("smtp.from = %q : %w", s.From, err)
		}
		if s.Username != "" && s.PasswordEnv == "" {
			bad("smtp.password_env : absent alors que smtp.username = %q : nommez la variable d'environnement qui contient le mot de passe", s.Username)
		}
		if s.Username != "" && s.TLS == TLSNone {
			bad("smtp.tls = none avec smtp.username = %q : un mot de passe n'est jamais envoyé en clair, écrivez starttls ou tls", s.Username)
		}
	}
	return errors.Join(errs...)
}

// CheckFolders checks, at start-up, that the inbox exists (the daemon
// would otherwise fail at every pass) and that the other folders can be
// created.
func (c *Config) CheckFolders() error {
	var errs []error
	if c.Inbox != "" {
		if st, err := os.Stat(c.Inbox); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("inbox = %q : ce dossier n'existe pas : créez-le (c'est là que les extractions sont déposées) ou retirez la clé", c.Inbox))
		}
	}
	for _, f := range [][2]string{{"outbox", c.Outbox}, {"work_dir", c.WorkDir}} {
		key, dir := f[0], f[1]
		if err := os.MkdirAll(dir, 0o700); err != nil {
			errs = append(errs, &explained{fmt.Sprintf("%s = %q : impossible de créer ce dossier (droits ?)", key, dir), err})
		}
	}
	return errors.Join(errs...)
}

// DeadlineFor returns the time limit of a run of job.
func (c *Config) DeadlineFor(job string) time.Duration {
	if d, ok := c.Deadlines[job]; ok {
		return time.Duration(d)
	}
	return time.Duration(c.Deadline)
}

// CheckJobs checks that per-job keys name jobs of defs.
func (c *Config) CheckJobs(defs *Definitions) error {
	for job := range c.Deadlines {
		if defs.Job(job) == nil {
			return fmt.Errorf("deadlines.%s : cette tâche n'existe pas ; tâches : %s", job, strings.Join(defs.Names(), ", "))
		}
	}
	return nil
}
