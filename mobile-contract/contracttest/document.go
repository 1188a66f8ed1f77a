package contracttest

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	contract "urcsync/mobile-contract"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// Document loads and validates the contract's OpenAPI 3.1 document, with
// its references to ./schemas/*.json resolved from the embedded contract.
// Every call returns a new copy.
func Document() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = readFromContract
	doc, err := loader.LoadFromFile(contract.OpenAPIPath)
	if err != nil {
		return nil, fmt.Errorf("contracttest: load %s: %w", contract.OpenAPIPath, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("contracttest: %s is not a valid OpenAPI document: %w", contract.OpenAPIPath, err)
	}
	return doc, nil
}

// readFromContract reads the files a $ref names from the embedded
// contract only; nothing outside it is ever read.
func readFromContract(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	if u.Scheme != "" || u.Host != "" {
		return nil, fmt.Errorf("contracttest: %s: only files of the contract may be referenced", u)
	}
	return fs.ReadFile(contract.FS, strings.TrimPrefix(u.Path, "/"))
}

// SchemaOptions are the options under which values are checked against
// the document's schemas: the uuid and date-time formats are asserted as
// the server reads them (any UUID case; RFC 3339 with any fraction and any
// offset).
func SchemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
			if _, ok := syncproto.CanonicalUUID(s); !ok {
				return fmt.Errorf("not a UUID")
			}
			return nil
		})),
		openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
			_, err := schema.ParseTime(s)
			return err
		})),
	}
}

// shared is what every checker uses, built once per process.
type shared struct {
	doc      *openapi3.T
	router   routers.Router
	registry *schema.Registry
}

var (
	sharedOnce sync.Once
	sharedVal  *shared
	sharedErr  error
)

func loadShared() (*shared, error) {
	sharedOnce.Do(func() {
		doc, err := Document()
		if err != nil {
			sharedErr = err
			return
		}
		// Match on the path alone, whatever the server's address.
		doc.Servers = openapi3.Servers{{URL: "/"}}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			sharedErr = fmt.Errorf("contracttest: router: %w", err)
			return
		}
		reg, err := schema.Load(contract.FS)
		if err != nil {
			sharedErr = fmt.Errorf("contracttest: %w", err)
			return
		}
		sharedVal = &shared{doc: doc, router: router, registry: reg}
	})
	return sharedVal, sharedErr
}

// bearerOnly accepts any bearer token, and nothing else, as meeting a
// security requirement.
func bearerOnly(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	auth := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return fmt.Errorf("no bearer token")
	}
	return nil
}
