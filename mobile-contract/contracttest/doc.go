// Package contracttest keeps the server and the contract from drifting
// apart in tests. Transport and Handler check every request and response
// that goes through them against the OpenAPI document of the contract
// (mobile-contract/openapi.yaml) and report each mismatch with t.Errorf:
//
//   - a path or method the document does not describe;
//   - a status code the operation does not document;
//   - a response body, header or content type that does not match;
//   - a request that does not match the document, yet was answered with a
//     status below 400 (a request the server should have refused);
//   - a pulled record whose fields do not match its collection's schema,
//     or are not emitted strictly (lowercase UUIDs, UTC times with
//     milliseconds).
//
// Bodies sent or received with Content-Encoding: gzip are decompressed
// before they are checked. Non-JSON bodies (the metrics text, the YAML
// document) are checked for their content type only. Any bearer token is
// accepted as meeting the security requirement.
package contracttest
