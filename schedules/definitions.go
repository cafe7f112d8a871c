// Package schedules holds vigie's schedule definitions and the scheduler:
// cron computes the instants (Europe/Paris, holiday moves, exactly once
// across DST changes), the daemon owns the work, and a ledger in the
// warehouse makes each (job, scheduled instant) run and deliver once.
package schedules

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the shipped schedule definitions.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Holiday policies of a job.
const (
	HolidayRun            = ""                 // run on the day, holiday or not
	HolidayNextWorkingDay = "next_working_day" // move to the next working day
)

// Job is one scheduled job: steps run in order for each scheduled instant.
type Job struct {
	Name          string `yaml:"name"`
	Title         string `yaml:"title"` // French, the emails' subject
	Description   string `yaml:"description"`
	Cron          string `yaml:"cron"`
	Holidays      string `yaml:"holidays"`
	FreshnessGate bool   `yaml:"freshness_gate"`
	// Reference makes the job's controls the reference run of its period
	// (weekly or monthly), which the reports' trend figures compare with.
	Reference string   `yaml:"reference"`
	Steps     []string `yaml:"steps"`

	spec *Spec
}

// Definitions are the jobs of a schedule file.
type Definitions struct {
	Jobs []*Job `yaml:"jobs"`
}

var jobName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ParseDefinitions reads schedule definitions (YAML) and checks them; name is
// used in error messages.
func ParseDefinitions(name string, data []byte) (*Definitions, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var d Definitions
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, "schedules/default.yaml", err)
	}
	if len(d.Jobs) == 0 {
		return nil, fmt.Errorf("%s : aucune tâche : décrivez-en au moins une sous jobs:", name)
	}
	seen := map[string]bool{}
	for i, j := range d.Jobs {
		key := fmt.Sprintf("%s : jobs[%d]", name, i)
		if !jobName.MatchString(j.Name) {
			return nil, fmt.Errorf("%s.name = %q : écrivez le nom en minuscules, chiffres et _ (par exemple weekly_control)", key, j.Name)
		}
		key = fmt.Sprintf("%s : tâche %s", name, j.Name)
		if seen[j.Name] {
			return nil, fmt.Errorf("%s : définie deux fois", key)
		}
		seen[j.Name] = true
		spec, err := ParseSpec(j.Cron)
		if err != nil {
			return nil, fmt.Errorf("%s : %w", key, err)
		}
		j.spec = spec
		if j.Holidays != HolidayRun && j.Holidays != HolidayNextWorkingDay {
			return nil, fmt.Errorf("%s : holidays = %q : écrivez next_working_day (report au jour ouvré suivant) ou retirez la clé", key, j.Holidays)
		}
		if j.Reference != "" && j.Reference != "weekly" && j.Reference != "monthly" {
			return nil, fmt.Errorf("%s : reference = %q : écrivez weekly (contrôle hebdomadaire) ou monthly (rapport mensuel), ou retirez la clé", key, j.Reference)
		}
		if len(j.Steps) == 0 {
			return nil, fmt.Errorf("%s : aucune étape (steps)", key)
		}
		for _, s := range j.Steps {
			if !knownStep(s) {
				return nil, fmt.Errorf("%s : étape %q inconnue ; étapes possibles : %s", key, s, strings.Join(KnownSteps, ", "))
			}
		}
	}
	return &d, nil
}

func knownStep(s string) bool {
	for _, k := range KnownSteps {
		if k == s {
			return true
		}
	}
	return false
}

// LoadDefinitions reads the schedule file at path, or the shipped defaults
// when path is "".
func LoadDefinitions(path string) (*Definitions, error) {
	if path == "" {
		return ParseDefinitions("default.yaml", defaultYAML)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &explained{fmt.Sprintf("fichier de planifications %s introuvable : corrigez --schedules, ou retirez-le pour utiliser les planifications livrées avec vigie", path), err}
	}
	if err != nil {
		return nil, fmt.Errorf("lecture des planifications : %w", err)
	}
	return ParseDefinitions(path, data)
}

// Job returns the job called name, or nil.
func (d *Definitions) Job(name string) *Job {
	for _, j := range d.Jobs {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// Names returns the job names in file order.
func (d *Definitions) Names() []string {
	var ns []string
	for _, j := range d.Jobs {
		ns = append(ns, j.Name)
	}
	return ns
}

// Instant is one scheduled run of a job.
type Instant struct {
	Job   string
	At    time.Time // the instant the run is for (after any holiday move)
	Moved time.Time // the cron instant it was moved from (zero if not moved)
	// Holiday names the public holiday that moved it.
	Holiday string
	// Gap is set when the job's time did not exist that day (the
	// spring-forward hour): the run is at the end of the gap, 03:00.
	Gap bool
}

// maxHolidayMove bounds how far back Next looks for a cron instant that a
// holiday move could carry past t.
const maxHolidayMove = 10 * 24 * time.Hour

// Next returns the job's first run strictly after t, holiday moves applied.
func (j *Job) Next(t time.Time) Instant {
	if j.Holidays != HolidayNextWorkingDay {
		at, gap := j.spec.next(t)
		return Instant{Job: j.Name, At: at, Gap: gap}
	}
	// A cron instant before t may have been moved past t.
	c := t.Add(-maxHolidayMove)
	for i := 0; i < 10000; i++ {
		c = j.spec.Next(c)
		if c.IsZero() {
			return Instant{Job: j.Name}
		}
		at := NextWorkingDay(c)
		if !at.After(t) {
			continue
		}
		in := Instant{Job: j.Name, At: at}
		if !at.Equal(c) {
			in.Moved = c
			in.Holiday = HolidayName(c)
		}
		return in
	}
	return Instant{Job: j.Name}
}

// Scheduled tells whether at is one of the job's run instants, holiday
// moves applied (a Monday control moved to Tuesday is scheduled on Tuesday,
// not on the holiday).
func (j *Job) Scheduled(at time.Time) bool {
	return j.Next(at.Add(-time.Second)).At.Equal(at)
}

// Between returns the job's runs in (from, to], in order.
func (j *Job) Between(from, to time.Time) []Instant {
	var out []Instant
	t := from
	for {
		in := j.Next(t)
		if in.At.IsZero() || in.At.After(to) {
			return out
		}
		out = append(out, in)
		t = in.At
	}
}

// Upcoming returns the next n runs of every job after t, sorted by instant
// then job order.
func (d *Definitions) Upcoming(t time.Time, n int) []Instant {
	var out []Instant
	for _, j := range d.Jobs {
		c := t
		for i := 0; i < n; i++ {
			in := j.Next(c)
			if in.At.IsZero() {
				break
			}
			out = append(out, in)
			c = in.At
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].At.Before(out[b].At) })
	return out
}
