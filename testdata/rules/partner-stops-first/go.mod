module example.com/fixtures/partnerstopsfirst

go 1.25
