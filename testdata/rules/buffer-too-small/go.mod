module example.com/fixtures/buffertoosmall

go 1.25
