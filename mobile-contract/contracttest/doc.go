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
//   - a request header the document requires that is missing or malformed
//     (Content-Length, Content-Digest, Tus-Resumable, Upload-Offset…),
//     and a response header it requires (Retry-After, Location,
//     Upload-Offset, Content-Range…);
//   - a pulled record, or the media record a photo upload answers with,
//     whose fields do not match its collection's schema, or are not emitted
//     strictly (lowercase UUIDs, UTC times with milliseconds).
//
// Bodies sent or received with Content-Encoding: gzip are decompressed
// before they are checked. Non-JSON bodies (photo bytes, tus PATCH bodies,
// the metrics text, the YAML document) are checked for their content type
// only. HEAD answers are checked for their status and headers (they have no
// body on the wire); OPTIONS, 204, 206, 304 and 416 answers are checked like
// any other. Any bearer token is accepted as meeting the security
// requirement.
package contracttest
