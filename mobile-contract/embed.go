// Package contract holds the machine-readable contract of sync protocol v1:
// the OpenAPI 3.1 document, one JSON Schema (draft 2020-12) per synced
// collection, and golden examples of the messages on the wire.
//
// The files are embedded so that the server validates, serves and tests
// against exactly the contract the phone apps are written against.
package contract

import (
	"embed"
	"io/fs"
)

// FS holds openapi.yaml, schemas/*.json (one file per collection, named
// after it) and examples/*.json, at those paths.
//
//go:embed openapi.yaml schemas/*.json examples/*.json
var FS embed.FS

// OpenAPIPath is the path of the OpenAPI document inside FS.
const OpenAPIPath = "openapi.yaml"

// OpenAPI returns the OpenAPI 3.1 document (YAML). Its collection schemas
// are referenced as ./schemas/<collection>.json, relative to it in FS.
func OpenAPI() []byte {
	b, err := fs.ReadFile(FS, OpenAPIPath)
	if err != nil {
		panic("contract: embedded openapi.yaml missing: " + err.Error())
	}
	return b
}
