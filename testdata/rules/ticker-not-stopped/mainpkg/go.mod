module example.com/fixtures/mainpkg

go 1.22
