// Command asmgen generates the amd64 micro-kernels of package gemm with
// avo. It is its own module so that avo is a tool of the build, not a
// dependency of the library; run it with go generate in package gemm.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// spec is one micro-kernel: an mr×(nvec·lanes) tile of C held in mr·nvec
// vector registers.
type spec struct {
	name   string
	double bool // float64, else float32
	avx512 bool // zmm registers and embedded broadcasts, else AVX2+FMA ymm
	mr     int  // rows of the tile: elements of A broadcast per step
	nvec   int  // vectors per row of the tile: loaded from B per step
}

func (s spec) elem() int {
	if s.double {
		return 8
	}
	return 4
}

func (s spec) vecBytes() int {
	if s.avx512 {
		return 64
	}
	return 32
}

func (s spec) nr() int { return s.nvec * s.vecBytes() / s.elem() }

// unroll is how many steps of p the main loop does per iteration.
const unroll = 4

func main() {
	ConstraintExpr("!purego")
	for _, s := range []spec{
		{"dkernAVX512", true, true, 14, 2},
		{"skernAVX512", false, true, 14, 2},
		{"dkernAVX2", true, false, 6, 2},
		{"skernAVX2", false, false, 6, 2},
	} {
		kernel(s)
	}
	Generate()
}

func kernel(s spec) {
	typ := "float32"
	if s.double {
		typ = "float64"
	}
	TEXT(s.name, NOSPLIT, fmt.Sprintf("func(k int, a, b, c []%s, ldc int, alpha %s)", typ, typ))
	isa := "AVX2 and FMA"
	if s.avx512 {
		isa = "AVX-512F"
	}
	Doc(fmt.Sprintf("%s adds alpha·Â·B̂ into the %d×%d tile of C at c[0], rows ldc apart,", s.name, s.mr, s.nr()),
		fmt.Sprintf("where Â is %d×k packed column by column and B̂ is k×%d packed row by row.", s.mr, s.nr()),
		fmt.Sprintf("It needs %s and k ≥ 1.", isa))
	k := Load(Param("k"), GP64())
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	pc := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	if s.double {
		SHLQ(Imm(3), ldc)
	} else {
		SHLQ(Imm(2), ldc)
	}

	vec := YMM
	if s.avx512 {
		vec = ZMM
	}
	acc := make([][]reg.VecVirtual, s.mr)
	for i := range acc {
		acc[i] = make([]reg.VecVirtual, s.nvec)
		for v := range acc[i] {
			acc[i][v] = vec()
			if s.avx512 {
				VPXORQ(acc[i][v], acc[i][v], acc[i][v])
			} else {
				VXORPS(acc[i][v], acc[i][v], acc[i][v])
			}
		}
	}

	Comment("Prefetch the tile of C, which is read after the loop.")
	t := GP64()
	MOVQ(pc, t)
	for i := 0; i < s.mr; i++ {
		for off := 0; off < s.nr()*s.elem(); off += 64 {
			PREFETCHT0(Mem{Base: t, Disp: off})
		}
		ADDQ(ldc, t)
	}

	n4 := GP64()
	MOVQ(k, n4)
	SHRQ(Imm(2), n4)
	ANDQ(Imm(unroll-1), k)
	Comment(fmt.Sprintf("%d steps of p per iteration.", unroll))
	TESTQ(n4, n4)
	JZ(LabelRef(s.name + "_tail"))
	Label(s.name + "_loop4")
	for u := 0; u < unroll; u++ {
		step(s, acc, pa, pb, u)
	}
	ADDQ(U32(unroll*s.mr*s.elem()), pa)
	ADDQ(U32(unroll*s.nr()*s.elem()), pb)
	DECQ(n4)
	JNZ(LabelRef(s.name + "_loop4"))

	Label(s.name + "_tail")
	TESTQ(k, k)
	JZ(LabelRef(s.name + "_store"))
	Label(s.name + "_loop1")
	step(s, acc, pa, pb, 0)
	ADDQ(U32(s.mr*s.elem()), pa)
	ADDQ(U32(s.nr()*s.elem()), pb)
	DECQ(k)
	JNZ(LabelRef(s.name + "_loop1"))

	Label(s.name + "_store")
	Comment("C += alpha·tile, row by row.")
	alpha := vec()
	src, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	if s.double {
		VBROADCASTSD(src.Addr, alpha)
	} else {
		VBROADCASTSS(src.Addr, alpha)
	}
	for i := 0; i < s.mr; i++ {
		for v := 0; v < s.nvec; v++ {
			m := Mem{Base: pc, Disp: v * s.vecBytes()}
			if s.double {
				VFMADD213PD(m, alpha, acc[i][v])
				VMOVUPD(acc[i][v], m)
			} else {
				VFMADD213PS(m, alpha, acc[i][v])
				VMOVUPS(acc[i][v], m)
			}
		}
		if i < s.mr-1 {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}

// step emits one step of p, u steps past the pointers: load a row of B̂
// and add each broadcast element of Â's column times it into a row of the
// tile.
func step(s spec, acc [][]reg.VecVirtual, pa, pb reg.Register, u int) {
	vec := YMM
	if s.avx512 {
		vec = ZMM
	}
	bv := make([]reg.VecVirtual, s.nvec)
	for v := range bv {
		bv[v] = vec()
		m := Mem{Base: pb, Disp: (u*s.nr())*s.elem() + v*s.vecBytes()}
		if s.double {
			VMOVUPD(m, bv[v])
		} else {
			VMOVUPS(m, bv[v])
		}
	}
	for i := 0; i < s.mr; i++ {
		m := Mem{Base: pa, Disp: (u*s.mr + i) * s.elem()}
		if s.avx512 {
			for v := range bv {
				if s.double {
					VFMADD231PD_BCST(m, bv[v], acc[i][v])
				} else {
					VFMADD231PS_BCST(m, bv[v], acc[i][v])
				}
			}
			continue
		}
		ai := vec()
		if s.double {
			VBROADCASTSD(m, ai)
		} else {
			VBROADCASTSS(m, ai)
		}
		for v := range bv {
			if s.double {
				VFMADD231PD(bv[v], ai, acc[i][v])
			} else {
				VFMADD231PS(bv[v], ai, acc[i][v])
			}
		}
	}
}
