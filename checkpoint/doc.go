// Package checkpoint saves and restores everything a training run needs
// to continue bit for bit: named arrays (parameters, optimiser buffers),
// named integers (epoch, step, position in the epoch, the optimiser's step
// count) and named byte strings (the state of a random source, a history
// of metrics), under a kind that says what wrote them.
//
//	s := checkpoint.New("backprop train mnist: mlp 784-128-10 float32")
//	for _, p := range net.Params() {
//		checkpoint.AddDense(s, p.Name, p.Value)
//	}
//	for _, b := range opt.State() {
//		checkpoint.AddDense(s, "optim."+b.Name, b.Value)
//	}
//	s.SetInt("optim.steps", int64(opt.Steps()))
//	s.SetInt("epoch", int64(epoch))
//	rng, _ := pcg.MarshalBinary() // pcg is the *rand.PCG behind the run's *rand.Rand
//	s.SetBytes("rng", rng)
//	err := checkpoint.Save(dir, s)
//
// and to resume, the same names the other way:
//
//	s, err := checkpoint.Load(dir, kind) // errors.Is(err, fs.ErrNotExist): start afresh
//	for _, p := range net.Params() {
//		err = checkpoint.Dense(s, p.Name, p.Value)
//	}
//	…
//	rng, err := s.Bytes("rng")
//	err = pcg.UnmarshalBinary(rng)
//
// A *rand.Rand of math/rand/v2 has no state of its own beyond its source
// (for the methods a training loop uses: Shuffle, Perm, IntN, Float64,
// NormFloat64), so restoring the PCG restores the Rand.
//
// # Saving
//
// [Save] writes the file checkpoint.bpck in its directory through a
// temporary file that is flushed to disk and renamed over the previous
// checkpoint, and then flushes the directory. A process killed at any
// moment, even by SIGKILL in the middle of a write, leaves the previous
// checkpoint or the new one, never a torn file. A killed writer leaves its
// temporary file (".checkpoint.bpck.tmp-…"); Load never reads it and the
// next Save removes it, so a directory must have one writer at a time.
//
// # Loading
//
// [Load] and [Decode] return a State only when the whole checkpoint is
// intact and of the expected kind; otherwise an error naming the file and
// the fault: "truncated at byte 1234 (expected 4096 more)", "checksum
// mismatch (file is corrupt)", `written by "X", not "Y"`, "not a backprop
// checkpoint". Every length is checked against the bytes that are really
// there before anything is allocated, so a corrupt or malicious length
// field cannot make them allocate more than the size of the input.
//
// # Format
//
// All integers are little-endian; floating-point numbers are stored as
// their IEEE 754 bits (math.Float32bits, math.Float64bits), so they come
// back exactly, NaN payloads included.
//
//	header, 24 bytes:
//	  magic        8 bytes   "\x89BPCK\r\n\x1a"
//	  version      uint32    1
//	  size         uint64    of the whole file, checksum included
//	  header CRC   uint32    CRC-32C of the 20 bytes before it
//	kind           uint32 length, then that many bytes (UTF-8)
//	count          uint32    number of entries
//	count entries, in the order they were added, each:
//	  type         1 byte    1 float32 array, 2 float64 array, 3 int64, 4 bytes
//	  name         uint32 length, then that many bytes (UTF-8)
//	  arrays:      rank uint32, rank sizes uint64, then the elements in
//	               row-major order, 4 or 8 bytes each
//	  int64:       8 bytes
//	  bytes:       uint64 length, then that many bytes
//	checksum       uint32    CRC-32C of every byte before it
//
// The magic's first byte is not ASCII and its "\r\n" and "\x1a" catch a
// file mangled by a text-mode transfer, as PNG's do. The size in the
// header tells a truncated file (a short read) from a corrupt one before
// the checksum is computed, and its own CRC makes that size trustworthy,
// so that "truncated" is never reported for a flipped bit.
//
// The checksum is CRC-32C (Castagnoli): it detects every single-bit
// error and every burst of errors up to 32 bits long, and misses any
// other damage with probability 2⁻³²; amd64 and arm64 compute it with
// dedicated instructions, at memory speed. It guards against accidents
// (a torn or damaged file), not against someone forging a checkpoint:
// SHA-256 would not stop that either without a key, and is several times
// slower.
package checkpoint
