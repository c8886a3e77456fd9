module example.com/fixtures/returnedchanneldropped

go 1.25
