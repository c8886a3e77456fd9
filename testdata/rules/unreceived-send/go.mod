module example.com/fixtures/unreceivedsend

go 1.22
