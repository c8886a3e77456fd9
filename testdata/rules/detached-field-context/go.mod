module example.com/fixtures/detachedfieldcontext

go 1.25
