package adbench

import (
	"bufio"
	"io"
	"strconv"
)

// The writers of ADBench's output files. Numbers are written in
// scientific notation with 17 significant digits, so that they read back
// exactly (ADBench's C++ runner writes 6 by default, its write_J_sparse 17).

func appendFloat(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'e', 16, 64) }

// WriteValue writes one number, as ADBench's _F_ file of GMM and LSTM.
func WriteValue(w io.Writer, v float64) error {
	_, err := w.Write(appendFloat(nil, v))
	return err
}

// WriteVector writes one number a line, as ADBench's _J_ file of GMM and
// LSTM (the gradient).
func WriteVector(w io.Writer, v []float64) error {
	bw := bufio.NewWriter(w)
	var b []byte
	for _, x := range v {
		b = append(appendFloat(b[:0], x), '\n')
		bw.Write(b)
	}
	return bw.Flush()
}

// WriteTimes writes the objective and derivative times in seconds, as
// ADBench's _times_ file.
func WriteTimes(w io.Writer, objective, derivative float64) error {
	b := append(appendFloat(nil, objective), '\n')
	_, err := w.Write(appendFloat(b, derivative))
	return err
}

// WriteBAErrors writes BA's residuals as ADBench's _F_ file of BA.
func WriteBAErrors(w io.Writer, reproj, werr []float64) error {
	bw := bufio.NewWriter(w)
	var b []byte
	bw.WriteString("Reprojection error:\n")
	for _, x := range reproj {
		b = append(appendFloat(b[:0], x), '\n')
		bw.Write(b)
	}
	bw.WriteString("Zach weight error:\n")
	for _, x := range werr {
		b = append(appendFloat(b[:0], x), '\n')
		bw.Write(b)
	}
	return bw.Flush()
}

// WriteCSR writes a sparse Jacobian as ADBench's write_J_sparse does:
// "nrows ncols", the length of the row offsets and the offsets, the
// number of entries and their columns, then their values.
func WriteCSR(w io.Writer, j *CSR) error {
	bw := bufio.NewWriter(w)
	var b []byte
	b = strconv.AppendInt(b, int64(j.NRows), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(j.NCols), 10)
	b = append(b, '\n')
	for _, part := range [][]int32{j.Rows, j.Cols} {
		b = append(strconv.AppendInt(b, int64(len(part)), 10), '\n')
		for _, v := range part {
			b = append(strconv.AppendInt(b, int64(v), 10), ' ')
			if len(b) > 1<<15 {
				bw.Write(b)
				b = b[:0]
			}
		}
		b = append(b, '\n')
	}
	for _, v := range j.Vals {
		b = append(appendFloat(b, v), ' ')
		if len(b) > 1<<15 {
			bw.Write(b)
			b = b[:0]
		}
	}
	bw.Write(b)
	return bw.Flush()
}
