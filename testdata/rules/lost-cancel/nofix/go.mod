module example.com/fixtures/lostcancelnofix

go 1.22
