package benchenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Child runs the test binary again as a child process that runs only the
// test named test (with env added to the environment), so that what the child
// measures — its peak memory above all — is its own. The child prints one
// line "RESULT <json>", decoded into T.
func Child[T any](b *testing.B, label, test string, env ...string) T {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.bench=^$", "-test.v", "-test.timeout=2h")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s: %v\n%s", label, err, out)
	}
	var r T
	for _, line := range strings.Split(string(out), "\n") {
		if js, ok := strings.CutPrefix(line, "RESULT "); ok {
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				b.Fatal(err)
			}
			return r
		}
	}
	b.Fatalf("%s printed no result:\n%s", label, out)
	return r
}
