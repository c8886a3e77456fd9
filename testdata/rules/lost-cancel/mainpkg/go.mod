module example.com/fixtures/lostcancelmain

go 1.22
