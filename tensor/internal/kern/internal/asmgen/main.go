// Command asmgen generates the amd64 AVX-512 loops of package kern with
// avo. It is its own module so that avo is a tool of the build, not a
// dependency of the library; run it with go generate in package kern.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The predicates of VCMPPS/VCMPPD used here.
const (
	cmpUnord = 0x03 // unordered: either operand NaN
	cmpNLEUQ = 0x16 // not less than or equal, unordered or greater
	cmpGTOQ  = 0x1e // greater than, ordered
)

// prec is one precision: its element type, lanes per zmm register and
// instructions.
type prec struct {
	typ   string
	lanes int
	size  int
	cmp   func(...Op)
	mul   func(...Op)
	mov   func(...Op)
	movZ  func(a, k, b Op)
	add   func(...Op)
}

var precs = []prec{
	{"float64", 8, 8, VCMPPD, VMULPD, VMOVUPD, VMOVUPD_Z, VADDPD},
	{"float32", 16, 4, VCMPPS, VMULPS, VMOVUPS, VMOVUPS_Z, VADDPS},
}

func main() {
	ConstraintExpr("!purego")
	for _, p := range precs {
		relu(p)
	}
	for _, p := range precs {
		reluVJP(p)
	}
	for _, p := range precs {
		add(p)
	}
	Generate()
}

func suffix(p prec) string { return fmt.Sprint(p.size * 8) }

// relu: d[i] = s[i] where s[i] > 0 or NaN, else +0.
func relu(p prec) {
	name := "relu" + suffix(p) + "AVX512"
	TEXT(name, NOSPLIT, fmt.Sprintf("func(d, s []%s)", p.typ))
	Doc(fmt.Sprintf("%s sets d[i] = s[i] where s[i] > 0 or NaN, else +0, for i < len(s),", name),
		fmt.Sprintf("%d elements a step: len(s) must be a multiple of %d and len(d) at least len(s).", p.lanes, p.lanes),
		"It needs AVX-512F.")
	pd := Load(Param("d").Base(), GP64())
	ps := Load(Param("s").Base(), GP64())
	n := Load(Param("s").Len(), GP64())
	SHRQ(U8(log2(p.lanes)), n)
	zero := ZMM()
	VPXORQ(zero, zero, zero)
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	x := ZMM()
	p.mov(Mem{Base: ps}, x)
	Comment("K1: s > 0 or NaN; the other lanes are zeroed.")
	p.cmp(U8(cmpNLEUQ), zero, x, reg.K1)
	p.movZ(x, reg.K1, x)
	p.mov(x, Mem{Base: pd})
	ADDQ(U8(64), ps)
	ADDQ(U8(64), pd)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// reluVJP: d[i] = g[i] where x[i] > 0, g[i]·x[i] where x[i] is NaN, else
// g[i]·0, the products with g as the first operand as Go's scalar code
// computes them.
func reluVJP(p prec) {
	name := "reluVJP" + suffix(p) + "AVX512"
	TEXT(name, NOSPLIT, fmt.Sprintf("func(d, g, x []%s)", p.typ))
	Doc(fmt.Sprintf("%s sets d[i] to g[i] where x[i] > 0, g[i]·x[i] where x[i] is NaN", name),
		"and g[i]·0 elsewhere, for i < len(x), "+fmt.Sprint(p.lanes)+" elements a step: len(x) must be a",
		fmt.Sprintf("multiple of %d and len(d) and len(g) at least len(x). It needs AVX-512F.", p.lanes))
	pd := Load(Param("d").Base(), GP64())
	pg := Load(Param("g").Base(), GP64())
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	SHRQ(U8(log2(p.lanes)), n)
	zero := ZMM()
	VPXORQ(zero, zero, zero)
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	x, g, r := ZMM(), ZMM(), ZMM()
	p.mov(Mem{Base: px}, x)
	p.mov(Mem{Base: pg}, g)
	Comment("K1: x > 0 (not NaN); K2: x is NaN.")
	p.cmp(U8(cmpGTOQ), zero, x, reg.K1)
	p.cmp(U8(cmpUnord), x, x, reg.K2)
	p.mul(zero, g, r)
	p.mul(x, g, reg.K2, r)
	p.mov(g, reg.K1, r)
	p.mov(r, Mem{Base: pd})
	ADDQ(U8(64), px)
	ADDQ(U8(64), pg)
	ADDQ(U8(64), pd)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// add: d[i] = a[i] + b[i], with a as the first operand, as Go's scalar
// code adds them (a sum of two NaNs is a's).
func add(p prec) {
	name := "add" + suffix(p) + "AVX512"
	TEXT(name, NOSPLIT, fmt.Sprintf("func(d, a, b []%s)", p.typ))
	Doc(fmt.Sprintf("%s sets d[i] = a[i] + b[i] for i < len(d), %d elements a step:", name, p.lanes),
		fmt.Sprintf("len(d) must be a multiple of %d and len(a) and len(b) at least len(d).", p.lanes),
		"d may be a or b. It needs AVX-512F.")
	pd := Load(Param("d").Base(), GP64())
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	n := Load(Param("d").Len(), GP64())
	SHRQ(U8(log2(p.lanes)), n)
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	a, b := ZMM(), ZMM()
	p.mov(Mem{Base: pa}, a)
	p.mov(Mem{Base: pb}, b)
	p.add(b, a, a)
	p.mov(a, Mem{Base: pd})
	ADDQ(U8(64), pa)
	ADDQ(U8(64), pb)
	ADDQ(U8(64), pd)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

func log2(n int) int {
	k := 0
	for ; n > 1; n >>= 1 {
		k++
	}
	return k
}
