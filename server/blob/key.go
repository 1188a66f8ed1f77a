package blob

import (
	"fmt"
	"strings"
)

// MaxKeyLen is the longest key accepted, in bytes (S3's limit).
const MaxKeyLen = 1024

// MaxSegmentLen is the longest segment (the part between slashes) accepted,
// in bytes: the longest file name common filesystems allow.
const MaxSegmentLen = 255

// ValidKey reports whether key follows the key rules, with an error wrapping
// ErrInvalidKey saying which rule it breaks. A key is one or more segments
// joined by "/"; each segment is non-empty, made of [a-z0-9._-] and starts
// with a letter or digit (so "." and ".." segments and hidden names are
// impossible) and is at most MaxSegmentLen bytes; the key contains no ".."
// anywhere and is at most MaxKeyLen bytes.
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	if strings.Contains(key, "..") {
		return fmt.Errorf("%w: %q contains \"..\"", ErrInvalidKey, key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return fmt.Errorf("%w: %q has an empty segment (leading, trailing or double slash)", ErrInvalidKey, key)
		}
		if len(seg) > MaxSegmentLen {
			return fmt.Errorf("%w: a segment of %q is longer than %d bytes", ErrInvalidKey, key, MaxSegmentLen)
		}
		if !isAlnum(seg[0]) {
			return fmt.Errorf("%w: segment %q of %q must start with [a-z0-9]", ErrInvalidKey, seg, key)
		}
		for i := 0; i < len(seg); i++ {
			if !isKeyByte(seg[i]) {
				return fmt.Errorf("%w: %q has a character outside [a-z0-9/._-]", ErrInvalidKey, key)
			}
		}
	}
	return nil
}

// ValidPrefix reports whether prefix could begin a valid key: empty, or made
// of [a-z0-9/._-] without a leading slash. It wraps ErrInvalidKey otherwise.
func ValidPrefix(prefix string) error {
	if strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("%w: prefix %q starts with a slash", ErrInvalidKey, prefix)
	}
	if len(prefix) > MaxKeyLen {
		return fmt.Errorf("%w: prefix longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; c != '/' && !isKeyByte(c) {
			return fmt.Errorf("%w: prefix %q has a character outside [a-z0-9/._-]", ErrInvalidKey, prefix)
		}
	}
	return nil
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isKeyByte(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' }
