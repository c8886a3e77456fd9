module example.com/fixtures/unsentreceive

go 1.25
