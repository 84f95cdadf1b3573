//go:build !purego

package kern

import "golang.org/x/sys/cpu"

// hasAVX512 says whether the AVX-512 loops of kern_amd64.s run here.
var hasAVX512 = cpu.X86.HasAVX512F
