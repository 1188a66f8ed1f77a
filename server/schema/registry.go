package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"urcsync/syncproto"
)

// Registry holds the compiled collection schemas. It is immutable after
// Load and safe for concurrent use.
type Registry struct {
	colls map[string]*collection
	names []string
}

type collection struct {
	name     string
	fields   map[string]*field
	required []string // sorted
	refs     map[string]string
	defaults map[string]json.RawMessage
}

type field struct {
	name     string
	schema   *jsonschema.Schema
	readOnly bool
	required bool
	canon    *canonNode
	num      *numberRange // nil unless a plain numeric property
	str      *stringPlan  // nil unless a plain string property
}

// SchemaGlob is where Load finds the collection schemas inside the
// contract's file system.
const SchemaGlob = "schemas/*.json"

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Load compiles every schemas/*.json of fsys; a collection is named after
// its file without ".json". Each file must be an object schema whose
// properties are the collection's fields; "required" names fields that are
// not readOnly, and every "x-references" names a loaded collection.
func Load(fsys fs.FS) (*Registry, error) {
	paths, err := fs.Glob(fsys, SchemaGlob)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("schema: no collection schema matches %s", SchemaGlob)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, f := range formats {
		c.RegisterFormat(f)
	}
	type source struct {
		name, loc string
		doc       map[string]any
	}
	var srcs []source
	for _, p := range paths {
		name := strings.TrimSuffix(path.Base(p), ".json")
		if !namePattern.MatchString(name) {
			return nil, fmt.Errorf("schema: %s: collection name must match %s", p, namePattern)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", p, err)
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("schema: %s: not a JSON object", p)
		}
		loc, _ := m["$id"].(string)
		if loc == "" {
			loc = "urn:urcsync:schema:" + name
		}
		if err := c.AddResource(loc, doc); err != nil {
			return nil, fmt.Errorf("schema: %s: %w", p, err)
		}
		srcs = append(srcs, source{name: name, loc: loc, doc: m})
	}
	r := &Registry{colls: map[string]*collection{}}
	for _, s := range srcs {
		col, err := compileCollection(c, s.name, s.loc, s.doc)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", s.name, err)
		}
		r.colls[s.name] = col
		r.names = append(r.names, s.name)
	}
	sort.Strings(r.names)
	for _, name := range r.names {
		for f, target := range r.colls[name].refs {
			if r.colls[target] == nil {
				return nil, fmt.Errorf("schema: %s.%s: x-references names unknown collection %q", name, f, target)
			}
		}
	}
	return r, nil
}

func compileCollection(c *jsonschema.Compiler, name, loc string, doc map[string]any) (*collection, error) {
	if t, _ := doc["type"].(string); t != "object" {
		return nil, fmt.Errorf(`the schema must have "type": "object"`)
	}
	props, ok := doc["properties"].(map[string]any)
	if !ok || len(props) == 0 {
		return nil, fmt.Errorf("the schema has no properties")
	}
	col := &collection{
		name:     name,
		fields:   make(map[string]*field, len(props)),
		refs:     map[string]string{},
		defaults: map[string]json.RawMessage{},
	}
	for fname, p := range props {
		if !namePattern.MatchString(fname) {
			return nil, fmt.Errorf("field name %q must match %s", fname, namePattern)
		}
		pm, ok := p.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: property schema must be an object", fname)
		}
		sch, err := c.Compile(loc + "#/properties/" + fname)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fname, err)
		}
		f := &field{name: fname, schema: sch, canon: buildCanon(pm), num: buildNumberRange(pm), str: buildStringPlan(pm)}
		if ro, present := pm["readOnly"]; present {
			b, ok := ro.(bool)
			if !ok {
				return nil, fmt.Errorf("%s: readOnly must be a boolean", fname)
			}
			f.readOnly = b
		}
		if ref, present := pm["x-references"]; present {
			target, ok := ref.(string)
			if !ok || target == "" {
				return nil, fmt.Errorf("%s: x-references must name a collection", fname)
			}
			col.refs[fname] = target
		}
		if def, present := pm["default"]; present && f.readOnly {
			b, err := json.Marshal(def)
			if err != nil {
				return nil, fmt.Errorf("%s: default: %w", fname, err)
			}
			raw, ferr := f.check(b)
			if ferr != nil {
				return nil, fmt.Errorf("%s: default does not match the field's schema: %s", fname, ferr.Message)
			}
			col.defaults[fname] = raw
		}
		col.fields[fname] = f
	}
	if req, present := doc["required"]; present {
		list, ok := req.([]any)
		if !ok {
			return nil, fmt.Errorf("required must be an array of field names")
		}
		for _, x := range list {
			fname, _ := x.(string)
			f := col.fields[fname]
			switch {
			case f == nil:
				return nil, fmt.Errorf("required field %q is not a property", fname)
			case f.readOnly:
				return nil, fmt.Errorf("required field %q is readOnly", fname)
			}
			if !f.required {
				f.required = true
				col.required = append(col.required, fname)
			}
		}
		sort.Strings(col.required)
	}
	return col, nil
}

// Has reports whether collection is known.
func (r *Registry) Has(collection string) bool {
	_, ok := r.colls[collection]
	return ok
}

// Collections returns the names of the known collections, sorted.
func (r *Registry) Collections() []string {
	return slices.Clone(r.names)
}

// References yields each reference field of collection with the
// collection it references (the fields' "x-references"), in no set
// order; nothing for an unknown collection.
func (r *Registry) References(collection string) iter.Seq2[string, string] {
	if c := r.colls[collection]; c != nil {
		return maps.All(c.refs)
	}
	return func(func(string, string) bool) {}
}

// HasDefaults reports whether collection has any server-set default.
func (r *Registry) HasDefaults(collection string) bool {
	c := r.colls[collection]
	return c != nil && len(c.defaults) > 0
}

// Defaults returns the "default" values of the readOnly fields of
// collection, in canonical JSON: what the server sets when it creates a
// record. It is empty for an unknown collection.
func (r *Registry) Defaults(collection string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	if c := r.colls[collection]; c != nil {
		for f, v := range c.defaults {
			out[f] = slices.Clone(v)
		}
	}
	return out
}

func (r *Registry) collection(name string) (*collection, *FieldError) {
	if c := r.colls[name]; c != nil {
		return c, nil
	}
	return nil, &FieldError{
		Code:    syncproto.CodeUnknownCollection,
		Message: fmt.Sprintf("unknown collection %q", clip(name, maxNameLen)),
	}
}
