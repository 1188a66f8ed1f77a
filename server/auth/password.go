package auth

import (
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLen is the shortest password accepted for a new user.
const MinPasswordLen = 8

// ErrWrongPassword is returned by CheckPassword on a mismatch.
var ErrWrongPassword = errors.New("auth: wrong password")

// Hasher hashes and checks passwords with bcrypt at a fixed cost.
type Hasher struct {
	Cost  int
	dummy []byte
}

// NewHasher returns a Hasher using cost (bcrypt.DefaultCost when 0).
func NewHasher(cost int) *Hasher {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("urc-dummy-password"), cost)
	return &Hasher{Cost: cost, dummy: dummy}
}

// Hash returns the bcrypt hash of password.
func (h *Hasher) Hash(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), h.Cost)
	return string(b), err
}

// Check compares password with hash. An empty hash (no such user) is
// checked against a dummy hash so that the answer takes about as long as
// for a real user.
func (h *Hasher) Check(hash, password string) error {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(password))
		return ErrWrongPassword
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return ErrWrongPassword
	}
	return nil
}
