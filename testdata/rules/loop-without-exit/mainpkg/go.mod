module example.com/fixtures/loopwithoutexitmain

go 1.25
