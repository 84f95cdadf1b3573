package kern

//go:generate sh -c "cd internal/asmgen && go run . -out ../../kern_amd64.s -stubs ../../kern_stub_amd64.go -pkg kern"
