module example.com/fixtures/backgroundcontextmain

go 1.22
