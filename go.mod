module github.com/gobackprop/backprop

go 1.26
