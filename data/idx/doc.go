// Package idx reads and writes the IDX file format, the format of the
// MNIST data set and its relatives (Fashion-MNIST, EMNIST, …).
//
// # Format
//
// An IDX file is a magic number of four bytes — two zero bytes, a type
// code and the number of dimensions — then one big-endian uint32 size per
// dimension, then the elements in row-major order, big-endian:
//
//	0x08 unsigned byte   0x09 signed byte   0x0B int16
//	0x0C int32           0x0D float32       0x0E float64
//
// Files are often distributed gzip-compressed; [Read] and [ReadFile]
// recognise the gzip magic number (0x1f 0x8b) and decompress.
//
// # Errors
//
// Bad input never panics. [Read] and [ReadFile] return an [*Error] that
// names the file and the byte offset of the problem (in the decompressed
// data for a gzip file): a truncated file, a bad magic number, an unknown
// type code, dimensions with more than [MaxElements] elements, bytes after
// the data. When the length of the input is known (a file, a
// [bytes.Reader]), the header is checked against it before anything is
// allocated; otherwise the data is read in growing chunks, so that memory
// stays proportional to the data actually present, whatever the header
// claims.
package idx
