module example.com/fixtures/loopwithoutexit

go 1.25
