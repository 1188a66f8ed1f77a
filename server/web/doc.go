// Package web serves the office's pages under /admin/: sign-in, the
// conflict inbox, photo review, rejected changes, devices, users and the
// audit log. Pages are rendered on the server with html/template; the
// stylesheet and the two small scripts are embedded, and the pages run
// under a strict Content-Security-Policy (no inline script or style).
//
// Browser sessions are kept server-side (core.Sessions); the cookie
// carries only a random token. Every state-changing request carries the
// session's CSRF token. Texts come from the message catalogues in i18n/
// (Bahasa Indonesia by default, English on request). The pages speak only
// to the core service interfaces, which enforce each user's scope.
package web
