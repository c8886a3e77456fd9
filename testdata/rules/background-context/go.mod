module example.com/fixtures/backgroundcontext

go 1.22
