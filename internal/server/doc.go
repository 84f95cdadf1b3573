// Package server is the HTTP side of backprop serve, the explorer: the page
// and its assets (embedded), the JSON API under /api/ and /healthz, with
// the limits that keep one machine safe from what any page or script
// sends: bodies capped (413), a deadline per request and a cap on
// concurrent work (503 with Retry-After), a Content-Security-Policy that
// allows no inline script and no framing, cross-site POSTs refused and, on
// loopback, requests for other host names refused (DNS rebinding).
//
// The answers come from a Backend; package cli's runs each request through
// the code of the command of the same name, so that the API answers what
// the command prints with --json. The API is documented in docs/api.md.
package server
