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
	// rowA: Â is read in place from a row-major A, element (i, p) at
	// a[i·as+p], instead of a[p·as+i] (tile kernels only).
	rowA bool
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
		{"dtileAVX512", true, true, 14, 2, false},
		{"stileAVX512", false, true, 14, 2, false},
		{"dtileRowsAVX512", true, true, 14, 2, true},
		{"stileRowsAVX512", false, true, 14, 2, true},
	} {
		tile(s)
	}
	for _, s := range []spec{
		{"dkernAVX2", true, false, 6, 2, false},
		{"skernAVX2", false, false, 6, 2, false},
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

// The store modes of a tile kernel: what happens to the tile of C.
const (
	modeSet   = 0 // C = alpha·Â·B̂, C not read
	modeAdd   = 1 // C += alpha·Â·B̂
	modeScale = 2 // C = alpha·Â·B̂ + beta·C
)

// tile emits an AVX-512 kernel that computes a whole or partial tile: only
// the first rows rows and cols columns of C are read or written (the
// columns through opmasks K1 and K2, which also mask the loads of B̂, so
// that B̂ may be an unpadded row of B), and beta is applied in the store
// rather than in a separate pass over C. Â and B̂ advance by as and bs
// elements a step of p, so either may be read in place from a matrix
// whose layout is already the packed one.
func tile(s spec) {
	typ := "float32"
	if s.double {
		typ = "float64"
	}
	TEXT(s.name, NOSPLIT, fmt.Sprintf("func(k int, a []%[1]s, as int, b []%[1]s, bs int, c []%[1]s, ldc int, alpha, beta %[1]s, rows, cols, mode int)", typ))
	Doc(fmt.Sprintf("%s computes the first rows×cols elements of the %d×%d tile of C at", s.name, s.mr, s.nr()),
		"c[0], rows ldc apart, as alpha·Â·B̂ (mode 0), C + alpha·Â·B̂ (mode 1) or",
		"beta·C + alpha·Â·B̂ (mode 2); C is not read in mode 0 and not touched",
		fmt.Sprintf("outside the rows×cols corner. Â is %d×k, element (i, p) at %s;", s.mr, map[bool]string{false: "a[p·as+i]", true: "a[i·as+p]"}[s.rowA]),
		fmt.Sprintf("B̂ is k×%d, element (p, j) at b[p·bs+j], read only for j < cols.", s.nr()),
		"It needs AVX-512F and BMI2, k ≥ 1, 1 ≤ rows ≤ "+fmt.Sprint(s.mr)+" and 1 ≤ cols ≤ "+fmt.Sprint(s.nr())+".")
	e := s.elem()
	shift := uint64(2)
	if s.double {
		shift = 3
	}
	k := Load(Param("k"), GP64())
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	pc := Load(Param("c").Base(), GP64())
	as := Load(Param("as"), GP64())
	SHLQ(Imm(shift), as)
	as3 := GP64()
	LEAQ(Mem{Base: as, Index: as, Scale: 2}, as3)
	// For a row-major Â, rows 0-4, 5-9 and 10-13 are addressed from
	// three bases, a, a+5·as and a+10·as, plus 0, as, 2·as, 3·as or 4·as.
	var rowBase [3]reg.Register
	if s.rowA {
		rowBase[0] = pa
		for g := 1; g < 3; g++ {
			rowBase[g] = GP64()
			LEAQ(Mem{Base: as, Index: as, Scale: 4}, rowBase[g])
			ADDQ(rowBase[g-1], rowBase[g])
		}
	}
	aMem := func(i, u int) Mem {
		if !s.rowA {
			return stepMem(pa, as, as3, u).Offset(i * e)
		}
		m := Mem{Base: rowBase[i/5], Disp: u * e}
		switch i % 5 {
		case 1:
			m.Index, m.Scale = as, 1
		case 2:
			m.Index, m.Scale = as, 2
		case 3:
			m.Index, m.Scale = as3, 1
		case 4:
			m.Index, m.Scale = as, 4
		}
		return m
	}
	bs := Load(Param("bs"), GP64())
	SHLQ(Imm(shift), bs)
	bs3 := GP64()
	LEAQ(Mem{Base: bs, Index: bs, Scale: 2}, bs3)
	ldc := Load(Param("ldc"), GP64())
	SHLQ(Imm(shift), ldc)

	Comment("K1 and K2 mask the columns of the two vectors of a row.")
	cols := Load(Param("cols"), GP64())
	ones := GP64()
	MOVQ(I64(-1), ones)
	BZHIQ(cols, ones, ones)
	KMOVW(ones.As32(), reg.K1)
	SHRQ(Imm(uint64(s.vecBytes()/e)), ones)
	KMOVW(ones.As32(), reg.K2)
	masks := []reg.Register{reg.K1, reg.K2}

	acc := make([][]reg.VecVirtual, s.mr)
	for i := range acc {
		acc[i] = make([]reg.VecVirtual, s.nvec)
		for v := range acc[i] {
			acc[i][v] = ZMM()
			VPXORQ(acc[i][v], acc[i][v], acc[i][v])
		}
	}

	Comment("Prefetch the tile of C, which is read after the loop.")
	t := GP64()
	MOVQ(pc, t)
	for i := 0; i < s.mr; i++ {
		for off := 0; off < s.nr()*e; off += 64 {
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
		tileStep(s, acc, masks, func(i int) Mem { return aMem(i, u) }, stepMem(pb, bs, bs3, u))
	}
	if s.rowA {
		for _, r := range rowBase {
			ADDQ(U32(unroll*e), r)
		}
	} else {
		LEAQ(Mem{Base: pa, Index: as, Scale: 4}, pa)
	}
	LEAQ(Mem{Base: pb, Index: bs, Scale: 4}, pb)
	DECQ(n4)
	JNZ(LabelRef(s.name + "_loop4"))

	Label(s.name + "_tail")
	TESTQ(k, k)
	JZ(LabelRef(s.name + "_store"))
	Label(s.name + "_loop1")
	tileStep(s, acc, masks, func(i int) Mem { return aMem(i, 0) }, Mem{Base: pb})
	if s.rowA {
		for _, r := range rowBase {
			ADDQ(U32(e), r)
		}
	} else {
		ADDQ(as, pa)
	}
	ADDQ(bs, pb)
	DECQ(k)
	JNZ(LabelRef(s.name + "_loop1"))

	Label(s.name + "_store")
	alpha := ZMM()
	broadcast(s, "alpha", alpha)
	rows := Load(Param("rows"), GP64())
	mode := Load(Param("mode"), GP64())
	CMPQ(mode, Imm(modeAdd))
	JEQ(LabelRef(s.name + "_add"))
	JGT(LabelRef(s.name + "_scale"))

	Comment("Mode 0: C = alpha·tile.")
	storeRows(s, acc, masks, pc, ldc, rows, "_set", func(i, v int, m Mem) {
		mul(s, alpha, acc[i][v])
	})
	Label(s.name + "_add")
	Comment("Mode 1: C += alpha·tile.")
	storeRows(s, acc, masks, pc, ldc, rows, "_add", func(i, v int, m Mem) {
		if s.double {
			VFMADD213PD(m, alpha, masks[v], acc[i][v])
		} else {
			VFMADD213PS(m, alpha, masks[v], acc[i][v])
		}
	})
	Label(s.name + "_scale")
	Comment("Mode 2: C = alpha·tile + beta·C.")
	beta := ZMM()
	broadcast(s, "beta", beta)
	storeRows(s, acc, masks, pc, ldc, rows, "_scale", func(i, v int, m Mem) {
		mul(s, alpha, acc[i][v])
		if s.double {
			VFMADD231PD(m, beta, masks[v], acc[i][v])
		} else {
			VFMADD231PS(m, beta, masks[v], acc[i][v])
		}
	})
}

// stepMem addresses step u of an operand at base that advances by stride
// bytes a step (stride3 is 3·stride).
func stepMem(base, stride, stride3 reg.Register, u int) Mem {
	switch u {
	case 0:
		return Mem{Base: base}
	case 1:
		return Mem{Base: base, Index: stride, Scale: 1}
	case 2:
		return Mem{Base: base, Index: stride, Scale: 2}
	}
	return Mem{Base: base, Index: stride3, Scale: 1}
}

// tileStep emits one step of p of a tile kernel: the masked row of B̂ at
// mb times each broadcast element i of Â's column at ma(i).
func tileStep(s spec, acc [][]reg.VecVirtual, masks []reg.Register, ma func(i int) Mem, mb Mem) {
	bv := make([]reg.VecVirtual, s.nvec)
	for v := range bv {
		bv[v] = ZMM()
		m := mb.Offset(v * s.vecBytes())
		if s.double {
			VMOVUPD_Z(m, masks[v], bv[v])
		} else {
			VMOVUPS_Z(m, masks[v], bv[v])
		}
	}
	for i := 0; i < s.mr; i++ {
		m := ma(i)
		for v := range bv {
			if s.double {
				VFMADD231PD_BCST(m, bv[v], acc[i][v])
			} else {
				VFMADD231PS_BCST(m, bv[v], acc[i][v])
			}
		}
	}
}

func broadcast(s spec, name string, dst reg.VecVirtual) {
	src, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	if s.double {
		VBROADCASTSD(src.Addr, dst)
	} else {
		VBROADCASTSS(src.Addr, dst)
	}
}

func mul(s spec, x, acc reg.VecVirtual) {
	if s.double {
		VMULPD(x, acc, acc)
	} else {
		VMULPS(x, acc, acc)
	}
}

// storeRows emits the masked stores of the tile's rows, after combine has
// prepared each vector from the one of C at m, and returns after row rows.
func storeRows(s spec, acc [][]reg.VecVirtual, masks []reg.Register, pc, ldc, rows reg.Register, suffix string, combine func(i, v int, m Mem)) {
	for i := 0; i < s.mr; i++ {
		for v := 0; v < s.nvec; v++ {
			m := Mem{Base: pc, Disp: v * s.vecBytes()}
			combine(i, v, m)
			if s.double {
				VMOVUPD(acc[i][v], masks[v], m)
			} else {
				VMOVUPS(acc[i][v], masks[v], m)
			}
		}
		if i < s.mr-1 {
			DECQ(rows)
			JZ(LabelRef(s.name + suffix + "_done"))
			ADDQ(ldc, pc)
		}
	}
	Label(s.name + suffix + "_done")
	VZEROUPPER()
	RET()
}
