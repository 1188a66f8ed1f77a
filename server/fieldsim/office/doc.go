// Package office is a raw HTTP session with the server's /v1 API for the
// office side of the simulation: supervisors resolving conflicts and
// reviewing photos, and the admin reading the server's state for the
// verdict (every record, every conflict, every rejected change, every
// photo's original bytes). Its types follow the contract
// (mobile-contract/openapi.yaml), not the server's code.
package office
