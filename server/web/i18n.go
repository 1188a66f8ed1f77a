package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// defaultLang is the language of the pages unless the user asks for
// another one.
const defaultLang = "id"

// languages are the catalogues in i18n/, by code.
var languages = []string{"id", "en"}

// catalog holds the message catalogues by language.
type catalog struct {
	msgs map[string]map[string]string
}

func loadCatalog(fsys fs.FS) (*catalog, error) {
	c := &catalog{msgs: map[string]map[string]string{}}
	for _, lang := range languages {
		b, err := fs.ReadFile(fsys, "i18n/"+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: i18n/%s.json: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

func (c *catalog) has(lang string) bool {
	_, ok := c.msgs[lang]
	return ok
}

// localizer returns the translator for lang, falling back to the default
// language for a missing key.
func (c *catalog) localizer(lang string) *localizer {
	if !c.has(lang) {
		lang = defaultLang
	}
	return &localizer{lang: lang, msgs: c.msgs[lang], base: c.msgs[defaultLang]}
}

// localizer translates the catalogue's keys into one language. Templates
// call its methods.
type localizer struct {
	lang string
	msgs map[string]string
	base map[string]string
}

// Lang is the language code (for <html lang>).
func (l *localizer) Lang() string { return l.lang }

func (l *localizer) lookup(key string) (string, bool) {
	if s, ok := l.msgs[key]; ok {
		return s, true
	}
	s, ok := l.base[key]
	return s, ok
}

// T returns the message for key, formatted with args; an unknown key is
// returned as it is.
func (l *localizer) T(key string, args ...any) string {
	s, ok := l.lookup(key)
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Label returns the label of a code in a group of the catalogue (such as
// "status", "role", "action"), or the code itself when it has none.
func (l *localizer) Label(group, code string) string {
	if s, ok := l.lookup(group + "." + code); ok {
		return s
	}
	return code
}

// Field returns the label of a record field.
func (l *localizer) Field(name string) string { return l.Label("field", name) }

// Category returns the PPKS category's label.
func (l *localizer) Category(code string) string { return l.Label("category", code) }

// Value renders a field's JSON value for people: categories and other
// enumerations by their labels, strings as they are, null as "(empty)".
func (l *localizer) Value(field string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return l.T("common.empty")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	switch x := v.(type) {
	case string:
		return l.enum(field, x)
	case bool:
		if x {
			return l.T("common.yes")
		}
		return l.T("common.no")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				parts = append(parts, l.enum(field, s))
			} else {
				b, _ := json.Marshal(e)
				parts = append(parts, string(b))
			}
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

func (l *localizer) enum(field, s string) string {
	if strings.HasSuffix(field, "_at") {
		return when(s)
	}
	switch field {
	case "category":
		return l.Label("category", s)
	case "review_status":
		return l.Label("review", s)
	case "flags":
		return l.Label("flag", s)
	}
	if t, ok := l.lookup("enum." + field + "." + s); ok {
		return t
	}
	return s
}
