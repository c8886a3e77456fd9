module example.com/fixtures/backgroundcontext120

go 1.20
