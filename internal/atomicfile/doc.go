// Package atomicfile writes files so that readers, and the file system
// after a crash or an interrupted process, see either the old content of a
// file or the complete new content, never a truncated mix.
//
// A [File] is a temporary file in the directory of its target. Writes go
// to it; [File.Commit] flushes it to stable storage, renames it over the
// target (an atomic step on POSIX file systems) and flushes the directory,
// so that the rename itself survives a crash. [File.Abort], or any failure
// on the way, removes the temporary file and leaves the target untouched.
//
// A process killed between Create and Commit leaves its temporary file
// behind: a hidden file named after the target, ".NAME.tmp-RANDOM", in the
// same directory. The target is never touched until Commit.
// [RemoveStale] removes such files, when no other writer is at work.
//
// The command-line tool writes rendered graphs (-o) through it, and
// package checkpoint its checkpoints.
package atomicfile
