package autograd

import (
	"slices"
)

// Node is one record of a tape as a node of its graph: an operation with
// the shape of its value and its arguments, or a leaf.
type Node struct {
	// Op is the operation's name ("matmul", "add", "relu", "sum",
	// "softmaxcrossentropy"), "" for a leaf.
	Op string
	// Name is the leaf's name given to [Tape.Graph], "" if none.
	Name  string
	Shape []int
	// Args are the indices of the arguments in the list of nodes.
	Args []int
}

// Graph returns the records out depends on as a graph, for drawing: in
// evaluation order (every node after its arguments, out last), each
// record once. Leaves found in names (a parameter's name to its Var, as
// torchviz's make_dot takes a model's named parameters) carry the name.
func (t *Tape[T]) Graph(out Var[T], names map[string]Var[T]) []Node {
	out.rec("graph")
	need := make([]bool, out.i+1)
	need[out.i] = true
	for i := out.i; i >= 0; i-- {
		if need[i] {
			for _, a := range t.recs[i].args {
				if a >= 0 {
					need[a] = true
				}
			}
		}
	}
	name := make(map[int32]string, len(names))
	for n, v := range names {
		v.rec("graph")
		name[v.i] = n
	}
	index := make([]int, out.i+1)
	var nodes []Node
	for i := range out.i + 1 {
		if !need[i] {
			continue
		}
		r := &t.recs[i]
		n := Node{Name: name[i], Shape: r.val.Shape()}
		if r.prim != leaf {
			n.Op = t.rules[r.prim].name
			if r.prim == elementwise {
				n.Op = r.param.op.Word()
			}
		}
		for _, a := range r.args {
			if a >= 0 {
				n.Args = append(n.Args, index[a])
			}
		}
		index[i] = len(nodes)
		nodes = append(nodes, n)
	}
	return slices.Clip(nodes)
}
