package contracttest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"urcsync/syncproto"
)

// maxProblem bounds the length of one reported problem.
const maxProblem = 2000

// checker checks exchanges against the contract and reports to t.
type checker struct {
	t   testing.TB
	cfg config
	sh  *shared
}

func newChecker(t testing.TB, opts []Option) *checker {
	t.Helper()
	c := &checker{t: t}
	for _, o := range opts {
		o(&c.cfg)
	}
	sh, err := loadShared()
	if err != nil {
		t.Errorf("contract: %v", err)
	}
	c.sh = sh
	return c
}

// exchange is one request and its response, bodies as on the wire.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	resBody []byte
}

// route finds the documented operation of req. skip is true when the
// exchange is not to be checked at all.
func (c *checker) route(req *http.Request) (route *routers.Route, params map[string]string, skip bool, err error) {
	if c.sh == nil {
		return nil, nil, true, nil
	}
	route, params, err = c.sh.router.FindRoute(req)
	if err != nil {
		if c.cfg.allowed(req.URL.Path) {
			return nil, nil, true, nil
		}
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			return nil, nil, false, fmt.Errorf("method %s is not documented for this path", req.Method)
		}
		return nil, nil, false, fmt.Errorf("path is not documented")
	}
	return route, params, false, nil
}

// report checks x and reports every problem with t.Errorf.
func (c *checker) report(x *exchange) {
	c.t.Helper()
	for _, p := range c.check(x) {
		c.t.Errorf("contract: %s %s → %d: %s", x.req.Method, x.req.URL.RequestURI(), x.status, clipText(p))
	}
}

func (c *checker) check(x *exchange) []string {
	route, params, skip, err := c.route(x.req)
	if skip {
		return nil
	}
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	ctx := context.Background()

	vreq := x.req.Clone(ctx)
	reqIn := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: c.requestOptions()}
	wireLength := contentLength(x.req, len(x.reqBody))
	reqBody, reqErr := decodeContent(x.req.Header.Get("Content-Encoding"), x.reqBody)
	if reqErr == nil {
		setBody(vreq, reqBody)
		if wireLength != "" {
			// The Content-Length sent on the wire, for operations that
			// document it; Go keeps it out of Header.
			vreq.Header.Set("Content-Length", wireLength)
		}
		reqErr = openapi3filter.ValidateRequest(ctx, reqIn)
	} else {
		setBody(vreq, nil)
	}
	if reqErr != nil && (c.cfg.strict || x.status < 400) {
		problems = append(problems, fmt.Sprintf("the request does not match the contract, yet the server answered %d: %v", x.status, reqErr))
	}

	resp := route.Operation.Responses.Status(x.status)
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return append(problems, fmt.Sprintf("status %d is not documented for %s %s", x.status, route.Method, route.Path))
	}
	// A HEAD answer has no body on the wire (a handler may still write
	// one, which the server drops): only its status and headers count.
	head := x.req.Method == http.MethodHead
	var resBody []byte
	isJSON := false
	if !head {
		resBody, err = decodeContent(x.header.Get("Content-Encoding"), x.resBody)
		if err != nil {
			return append(problems, "response body: "+err.Error())
		}
		ct := x.header.Get("Content-Type")
		if content := resp.Value.Content; len(content) == 0 {
			if len(resBody) > 0 {
				return append(problems, fmt.Sprintf("status %d has no body in the contract, but %d bytes came", x.status, len(resBody)))
			}
		} else {
			if content.Get(ct) == nil {
				return append(problems, fmt.Sprintf("Content-Type %q is not documented for status %d (documented: %s)", ct, x.status, strings.Join(mediaTypes(content), ", ")))
			}
			isJSON = jsonMediaType(ct)
		}
	}
	resIn := reqIn
	if head {
		// kin-openapi checks nothing of a HEAD answer; its headers are
		// checked as those of any other answer.
		asGet := *reqIn
		asGet.Request = vreq.Clone(ctx)
		asGet.Request.Method = http.MethodGet
		resIn = &asGet
	}
	opts := c.responseOptions(head || !isJSON)
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: resIn,
		Status:                 x.status,
		Header:                 x.header,
		Body:                   io.NopCloser(bytes.NewReader(resBody)),
		Options:                opts,
	})
	if err != nil {
		return append(problems, "the response does not match the contract: "+err.Error())
	}
	switch {
	case route.Operation.OperationID == "pull" && x.status == http.StatusOK:
		problems = append(problems, c.checkPulledRecords(resBody)...)
	case recordAnswers[route.Operation.OperationID] != "" && isJSON && x.status < 300:
		problems = append(problems, c.checkRecordAnswer(recordAnswers[route.Operation.OperationID], params["id"], resBody)...)
	}
	return problems
}

// recordAnswers are the operations whose successful answer is one
// record's fields as a pull carries them, by collection.
var recordAnswers = map[string]string{
	"putMediaContent": "media",
}

// contentLength is the Content-Length r was sent with ("" for none): the
// header if set, else what Go's client sends for r.ContentLength (a known
// length, or 0 for POST, PUT and PATCH without a body).
func contentLength(r *http.Request, bodyLen int) string {
	if v := r.Header.Get("Content-Length"); v != "" {
		return v
	}
	switch {
	case r.ContentLength > 0:
		return strconv.FormatInt(r.ContentLength, 10)
	case r.ContentLength == 0 && bodyLen == 0 && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch):
		return "0"
	}
	return ""
}

func (c *checker) requestOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		AuthenticationFunc:      bearerOnly,
		SkipSettingDefaults:     true,
		SchemaValidationOptions: SchemaOptions(),
	}
	o.WithCustomSchemaErrorFunc(schemaErrorText)
	return o
}

func (c *checker) responseOptions(skipBody bool) *openapi3filter.Options {
	o := &openapi3filter.Options{
		IncludeResponseStatus:   true,
		ExcludeResponseBody:     skipBody,
		SchemaValidationOptions: SchemaOptions(),
	}
	o.WithCustomSchemaErrorFunc(schemaErrorText)
	return o
}

// checkRecordAnswer checks an answer that is one record's fields against
// its collection's schema, and that its values are emitted strictly.
func (c *checker) checkRecordAnswer(collection, id string, body []byte) []string {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return []string{"record answer: " + err.Error()}
	}
	return c.checkRecord(fmt.Sprintf("the %s record %s", collection, id), collection, fields)
}

// checkRecord checks one record's fields, as the server emits them.
func (c *checker) checkRecord(where, collection string, fields map[string]json.RawMessage) []string {
	strict, ferr := c.sh.registry.CheckRecord(collection, fields)
	if ferr != nil {
		return []string{fmt.Sprintf("%s: fields do not match schemas/%s.json: %s", where, collection, ferr.Error())}
	}
	var problems []string
	for _, name := range sortedKeys(fields) {
		got, err := syncproto.Canonical(fields[name])
		if err == nil && !bytes.Equal(got, strict[name]) {
			problems = append(problems, fmt.Sprintf("%s: field %s is not emitted strictly: want %s", where, name, clipText(string(strict[name]))))
		}
	}
	return problems
}

// checkPulledRecords checks each record of a pull page against its
// collection's schema, and that its values are emitted strictly.
func (c *checker) checkPulledRecords(body []byte) []string {
	var page struct {
		Changes []struct {
			Collection string                     `json:"collection"`
			ID         string                     `json:"id"`
			Deleted    bool                       `json:"deleted"`
			Fields     map[string]json.RawMessage `json:"fields"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return []string{"pull response: " + err.Error()}
	}
	var problems []string
	for i, ch := range page.Changes {
		if ch.Deleted || ch.Fields == nil {
			continue
		}
		where := fmt.Sprintf("changes[%d] (%s %s)", i, ch.Collection, ch.ID)
		problems = append(problems, c.checkRecord(where, ch.Collection, ch.Fields)...)
	}
	return problems
}

// decodeContent undoes the Content-Encoding of a body.
func decodeContent(coding string, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(coding)) {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("Content-Encoding gzip, but the body is not gzip: %v", err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("Content-Encoding gzip, but the body is not gzip: %v", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("Content-Encoding %q is not in the contract", coding)
}

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r.Header.Del("Content-Length")
}

func jsonMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func mediaTypes(content openapi3.Content) []string {
	return slices.Sorted(maps.Keys(content))
}

func schemaErrorText(err *openapi3.SchemaError) string {
	if p := err.JSONPointer(); len(p) > 0 && !strings.Contains(err.Reason, "error at") {
		return "at /" + strings.Join(p, "/") + ": " + err.Reason
	}
	return err.Reason
}

func sortedKeys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

func clipText(s string) string {
	if len(s) <= maxProblem {
		return s
	}
	return s[:maxProblem] + "… (cut)"
}
