//go:build race

package compile_test

// raceEnabled is whether the tests run under the race detector, which
// makes sync.Pool drop workspaces at random, so that the pool allocates.
const raceEnabled = true
