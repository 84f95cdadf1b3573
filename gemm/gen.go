package gemm

//go:generate sh -c "cd internal/asmgen && go run . -out ../../kernel_amd64.s -stubs ../../kernel_stub_amd64.go -pkg gemm"
