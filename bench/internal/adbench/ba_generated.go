package adbench

// The residuals of ba.bp and their gradients as Go source, written by
// backprop gen (run from the root module, whose command it is).
//go:generate go -C ../../.. run ./cmd/backprop gen bench/internal/adbench/ba.bp --func ex --package adbench --name baEx -o bench/internal/adbench/ba_ex_gen.go
//go:generate go -C ../../.. run ./cmd/backprop gen bench/internal/adbench/ba.bp --func ey --package adbench --name baEy -o bench/internal/adbench/ba_ey_gen.go
//go:generate go -C ../../.. run ./cmd/backprop gen bench/internal/adbench/ba.bp --func ex0 --package adbench --name baEx0 -o bench/internal/adbench/ba_ex0_gen.go
//go:generate go -C ../../.. run ./cmd/backprop gen bench/internal/adbench/ba.bp --func ey0 --package adbench --name baEy0 -o bench/internal/adbench/ba_ey0_gen.go
