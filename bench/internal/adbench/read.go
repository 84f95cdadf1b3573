package adbench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// scanner reads the whitespace-separated numbers of an ADBench file,
// counting lines for its errors.
type scanner struct {
	r    *bufio.Reader
	name string
	line int
	tok  []byte
}

func newScanner(r io.Reader, name string) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 1<<16), name: name, line: 1}
}

// next returns the next token, or io.EOF.
func (s *scanner) next() ([]byte, error) {
	s.tok = s.tok[:0]
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			if err == io.EOF && len(s.tok) > 0 {
				return s.tok, nil
			}
			return nil, err
		}
		switch c {
		case '\n':
			if len(s.tok) > 0 {
				s.r.UnreadByte()
				return s.tok, nil
			}
			s.line++
		case ' ', '\t', '\r':
			if len(s.tok) > 0 {
				return s.tok, nil
			}
		default:
			s.tok = append(s.tok, c)
		}
	}
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", s.name, s.line, fmt.Sprintf(format, args...))
}

// float reads a number; what names it in the error.
func (s *scanner) float(what string) (float64, error) {
	t, err := s.next()
	if err == io.EOF {
		return 0, s.errorf("expected %s, found the end of the file", what)
	}
	if err != nil {
		return 0, s.errorf("reading %s: %v", what, err)
	}
	v, err := strconv.ParseFloat(string(t), 64)
	if err != nil {
		return 0, s.errorf("expected %s, found %q", what, t)
	}
	return v, nil
}

// floats reads len(dst) numbers into dst.
func (s *scanner) floats(dst []float64, what string) error {
	for i := range dst {
		v, err := s.float(what)
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

// count reads a non-negative integer no larger than limit.
func (s *scanner) count(what string, limit int) (int, error) {
	t, err := s.next()
	if err == io.EOF {
		return 0, s.errorf("expected %s, found the end of the file", what)
	}
	if err != nil {
		return 0, s.errorf("reading %s: %v", what, err)
	}
	v, err := strconv.Atoi(string(t))
	if err != nil || v < 0 {
		return 0, s.errorf("expected %s (a non-negative integer), found %q", what, t)
	}
	if v > limit {
		return 0, s.errorf("%s is %d, over the limit %d", what, v, limit)
	}
	return v, nil
}
