package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is console.md's minimum, in characters.
const MinPasswordLength = 12

// argon2id parameters: OWASP's second recommended set (19 MiB, 2 passes,
// 1 lane), about 30 ms on this machine: slow for a guesser, quick for a
// person logging in.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// CheckPassword tells why a new password is refused, or nil.
func CheckPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return invalid("le mot de passe n'est pas du texte UTF-8 valide")
	}
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return invalid(fmt.Sprintf("le mot de passe doit compter au moins %d caractères", MinPasswordLength))
	}
	if strings.TrimSpace(pw) != pw {
		return invalid("le mot de passe ne peut pas commencer ni finir par une espace")
	}
	return nil
}

// hashPassword returns the encoded argon2id hash of pw with a new salt.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// verifyPassword tells whether pw matches the encoded hash.
func verifyPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when the login is unknown, so that a failed
// login takes the same time whether or not the account exists.
var dummyHash = func() string {
	h, err := hashPassword("vigie-compte-inexistant")
	if err != nil {
		panic(err)
	}
	return h
}()
