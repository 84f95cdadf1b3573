// Package cli implements the backprop command. It is a thin layer over the
// library packages: it reads programs and flags, calls them, and prints.
package cli
