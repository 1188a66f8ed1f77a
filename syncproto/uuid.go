package syncproto

// CanonicalUUID reports whether s is a UUID in the 8-4-4-4-12 hex form (any
// case) and returns it lowercased.
func CanonicalUUID(s string) (string, bool) {
	if len(s) != uuidWidth {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
			continue
		}
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			b[i] = c + ('a' - 'A')
		default:
			return "", false
		}
	}
	return string(b), true
}
