package op

import "github.com/gobackprop/backprop/internal/power"

// Power returns x^y: bit for bit what math.Pow(x, y) returns, in less
// than half the time for integer exponents and two thirds of it for the
// others, where |y| ≤ 1024, x is within 2^±60 and the result within
// 2^±900 (see package internal/power for how). Pow's Eval and every
// evaluator that inlines the table use it, and package gen writes the
// same function into generated code. TestPowerIsMathPow and FuzzPower pin
// it to math.Pow.
func Power(x, y float64) float64 { return power.Pow(x, y) }
