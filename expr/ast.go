package expr

import "github.com/gobackprop/backprop/op"

// Pos is a byte offset in the source text. It is turned into a line and
// column only when an error is reported.
type Pos int

// Expr is a node of the syntax tree of an expression: one of *Number,
// *Ident, *Unary, *Binary, *CallExpr, *Paren and *Tuple.
type Expr interface {
	Pos() Pos // the first byte of the expression
	End() Pos // the byte just after it
}

// Number is a numeric literal.
type Number struct {
	At, To Pos
	Text   string
	Value  float64
}

// Ident is a name: a variable, a constant (pi, e) or a function.
type Ident struct {
	At   Pos
	Name string
}

// Unary is -X.
type Unary struct {
	OpPos Pos
	Op    op.Op // op.Neg
	X     Expr
	To    Pos // X.End()
}

// Binary is X op Y for the infix operators + - * / ^.
type Binary struct {
	Start Pos // X.Pos(), kept so that Pos is O(1) on long sums
	X     Expr
	OpPos Pos
	Op    op.Op
	Y     Expr
	To    Pos // Y.End()
}

// CallExpr is Fun(Args...): a built-in or a user function.
type CallExpr struct {
	Fun    *Ident
	Args   []Expr
	Rparen Pos
}

// Tuple is (X, Y, …), two or more expressions: the whole body of a
// definition whose function returns several values.
type Tuple struct {
	Lparen, Rparen Pos
	Elems          []Expr
}

func (x *Tuple) Pos() Pos { return x.Lparen }
func (x *Tuple) End() Pos { return x.Rparen + 1 }

// Paren is (X).
type Paren struct {
	Lparen, Rparen Pos
	X              Expr
}

func (x *Number) Pos() Pos   { return x.At }
func (x *Number) End() Pos   { return x.To }
func (x *Ident) Pos() Pos    { return x.At }
func (x *Ident) End() Pos    { return x.At + Pos(len(x.Name)) }
func (x *Unary) Pos() Pos    { return x.OpPos }
func (x *Unary) End() Pos    { return x.To }
func (x *Binary) Pos() Pos   { return x.Start }
func (x *Binary) End() Pos   { return x.To }
func (x *CallExpr) Pos() Pos { return x.Fun.Pos() }
func (x *CallExpr) End() Pos { return x.Rparen + 1 }
func (x *Paren) Pos() Pos    { return x.Lparen }
func (x *Paren) End() Pos    { return x.Rparen + 1 }

// Def is a function definition, Name(Params...) = Body.
type Def struct {
	Name   *Ident
	Params []*Ident
	Body   Expr
}

// File is a parsed program: definitions, and optionally a final bare
// expression whose free variables are its inputs.
type File struct {
	Filename string
	Src      string
	Defs     []*Def
	Expr     Expr // the final bare expression, or nil
}
