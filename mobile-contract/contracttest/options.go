package contracttest

import "strings"

// Option changes what a checker reports.
type Option func(*config)

type config struct {
	undocumented []string
	strict       bool
}

// AllowUndocumented lets requests whose path starts with one of prefixes
// pass unchecked when the document does not describe them (for endpoints
// not yet in the contract). Documented operations under those prefixes are
// still checked.
func AllowUndocumented(prefixes ...string) Option {
	return func(c *config) { c.undocumented = append(c.undocumented, prefixes...) }
}

// StrictRequests reports every request that does not match the document,
// also when the server refused it. Without it, such a request is reported
// only when the server answered it with a status below 400; tests of error
// handling send non-conforming requests on purpose.
func StrictRequests() Option {
	return func(c *config) { c.strict = true }
}

func (c *config) allowed(path string) bool {
	for _, p := range c.undocumented {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
