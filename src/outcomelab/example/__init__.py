"""outcomelab.example"""
