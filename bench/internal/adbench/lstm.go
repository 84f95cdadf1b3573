package adbench

import (
	"io"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// LSTM is an input of ADBench's LSTM problem: l layers of b cells run
// over a sequence of c characters of b bits.
type LSTM struct {
	L, C, B int
	Main    []float64 // 2l×4b: layer i's weights then biases, each forget, ingate, outgate, change
	Extra   []float64 // 3×b: input weight, output weight, output bias
	State   []float64 // 2l×b: layer i's hidden state then cell state
	Seq     []float64 // c×b
}

// NumParams returns the length of the gradient: main and extra
// parameters.
func (m *LSTM) NumParams() int { return len(m.Main) + len(m.Extra) }

// Params returns the main and extra parameters in one slice, in the
// order of ADBench's gradient.
func (m *LSTM) Params() []float64 {
	return append(append([]float64(nil), m.Main...), m.Extra...)
}

// ReadLSTM reads ADBench's LSTM input format: "l c b", the main
// parameters (2l lines of 4b), the extra parameters (3 lines of b), the
// state (2l lines of b) and the sequence (c lines of b). name is used in
// errors.
func ReadLSTM(r io.Reader, name string) (*LSTM, error) {
	s := newScanner(r, name)
	var m LSTM
	var err error
	if m.L, err = s.count("l", 1<<10); err != nil {
		return nil, err
	}
	if m.C, err = s.count("c", 1<<24); err != nil {
		return nil, err
	}
	if m.B, err = s.count("b", 1<<16); err != nil {
		return nil, err
	}
	if m.L == 0 || m.C < 2 || m.B == 0 {
		return nil, s.errorf("need l ≥ 1, c ≥ 2 and b ≥ 1, found %d %d %d", m.L, m.C, m.B)
	}
	m.Main = make([]float64, 8*m.L*m.B)
	m.Extra = make([]float64, 3*m.B)
	m.State = make([]float64, 2*m.L*m.B)
	m.Seq = make([]float64, m.C*m.B)
	for _, part := range []struct {
		dst  []float64
		what string
	}{{m.Main, "a main parameter"}, {m.Extra, "an extra parameter"}, {m.State, "a state entry"}, {m.Seq, "a sequence entry"}} {
		if err := s.floats(part.dst, part.what); err != nil {
			return nil, err
		}
	}
	if t, err := s.next(); err != io.EOF {
		return nil, s.errorf("expected the end of the file after the sequence, found %q", t)
	}
	return &m, nil
}

// LSTMArray is the LSTM objective written with the array engine: one
// array of b elements per gate's weights and biases, and the recurrence
// as a Go loop over the sequence that records element-wise operations.
// A LSTMArray must be used by one goroutine at a time.
type LSTMArray struct {
	m      *LSTM
	tape   *autograd.Tape[float64]
	params []*tensor.Dense[float64] // 8l + 3 arrays of b, in the order of the gradient
	state  []*tensor.Dense[float64] // 2l
	seq    []*tensor.Dense[float64] // c
	two    *tensor.Dense[float64]
	scale  *tensor.Dense[float64] // −1/((c−1)·b)
	vars   []autograd.Var[float64]
}

// NewLSTMArray prepares the array objective of m.
func NewLSTMArray(m *LSTM) *LSTMArray {
	a := &LSTMArray{m: m, tape: autograd.New[float64](), two: tensor.Scalar(2.0), scale: tensor.Scalar(-1 / float64((m.C-1)*m.B))}
	p := m.Params()
	for i := 0; i < len(p); i += m.B {
		a.params = append(a.params, tensor.FromSlice(p[i:i+m.B], m.B))
	}
	for i := 0; i < len(m.State); i += m.B {
		a.state = append(a.state, tensor.FromSlice(m.State[i:i+m.B], m.B))
	}
	for i := 0; i < len(m.Seq); i += m.B {
		a.seq = append(a.seq, tensor.FromSlice(m.Seq[i:i+m.B], m.B))
	}
	a.vars = make([]autograd.Var[float64], len(a.params))
	return a
}

// SetParams copies p, in the order of [LSTM.Params], into the parameters.
func (a *LSTMArray) SetParams(p []float64) {
	for k, d := range a.params {
		copy(d.Data(), p[k*a.m.B:])
	}
}

func sigmoid(x autograd.Var[float64]) autograd.Var[float64] { return autograd.Apply(op.Sigmoid, x) }

// record records the objective.
func (a *LSTMArray) record() autograd.Var[float64] {
	t := a.tape
	t.Reset()
	m := a.m
	for k, p := range a.params {
		a.vars[k] = t.Var(p)
	}
	layer := func(i, gate int) (w, b autograd.Var[float64]) {
		return a.vars[8*i+gate], a.vars[8*i+4+gate]
	}
	extra := a.vars[8*m.L:]
	hidden := make([]autograd.Var[float64], m.L)
	cell := make([]autograd.Var[float64], m.L)
	for i := range m.L {
		hidden[i], cell[i] = t.Const(a.state[2*i]), t.Const(a.state[2*i+1])
	}
	gate := func(x autograd.Var[float64], i, g int) autograd.Var[float64] {
		w, b := layer(i, g)
		return autograd.Add(autograd.Mul(x, w), b)
	}
	var total autograd.Var[float64]
	for s := range m.C - 1 {
		x := autograd.Mul(t.Const(a.seq[s]), extra[0])
		for i := range m.L {
			forget := sigmoid(gate(x, i, 0))
			ingate := sigmoid(gate(hidden[i], i, 1))
			outgate := sigmoid(gate(x, i, 2))
			change := autograd.Tanh(gate(hidden[i], i, 3))
			cell[i] = autograd.Add(autograd.Mul(cell[i], forget), autograd.Mul(ingate, change))
			hidden[i] = autograd.Mul(outgate, autograd.Tanh(cell[i]))
			x = hidden[i]
		}
		y := autograd.Add(autograd.Mul(x, extra[1]), extra[2])
		lse := autograd.Log(autograd.Add(autograd.Sum(autograd.Exp(y), nil, false), t.Const(a.two)))
		term := autograd.Sum(autograd.Mul(t.Const(a.seq[s+1]), autograd.Sub(y, lse)), nil, false)
		if s == 0 {
			total = term
		} else {
			total = autograd.Add(total, term)
		}
	}
	return autograd.Mul(total, t.Const(a.scale))
}

// Objective returns the objective at the parameters.
func (a *LSTMArray) Objective() float64 { return a.record().Value().Data()[0] }

// Gradient writes the gradient, in the order of [LSTM.Params], into dst
// and returns the objective.
func (a *LSTMArray) Gradient(dst []float64) float64 {
	out := a.record()
	a.tape.Backward(out)
	for k, v := range a.vars {
		copy(dst[k*a.m.B:], a.tape.Grad(v).Data())
	}
	return out.Value().Data()[0]
}
