module example.com/fixtures/backgroundcontext121

go 1.21
