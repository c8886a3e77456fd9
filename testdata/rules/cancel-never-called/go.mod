module example.com/fixtures/cancelnevercalled

go 1.25
